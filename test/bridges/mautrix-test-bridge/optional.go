//go:build mautrix_v032

package main

import "maunium.net/go/mautrix/bridgev2"

// setOptional marks a field optional (mautrix-go v0.32+).
func setOptional(field *bridgev2.LoginInputDataField) {
	field.Optional = true
}
