// Command mautrix-test-bridge is a tiny mautrix bridgev2 bridge for bridge-login's tests.
//
// It has no remote network: its login flows only exercise the provisioning API, so that
// mautrix-go's own provisioning code answers bridge-login's connector. Waiting steps (QR,
// emoji, code, nothing) are finished through a small control listener (see control.go).
package main

import (
	"maunium.net/go/mautrix/bridgev2/matrix/mxmain"
)

func main() {
	m := mxmain.BridgeMain{
		Name:        "mautrix-test-bridge",
		Description: "A test bridge without a remote network, for bridge-login's tests.",
		URL:         "https://example.invalid/mautrix-test-bridge",
		Version:     "0.1.0",
		Connector:   &Connector{},
	}
	m.InitVersion("", "", "")
	m.Run()
}
