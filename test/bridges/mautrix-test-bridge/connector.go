package main

import (
	"context"
	"fmt"

	"go.mau.fi/util/configupgrade"

	"maunium.net/go/mautrix/bridgev2"
	"maunium.net/go/mautrix/bridgev2/database"
)

// Config is the `network:` section of the bridge's config file.
type Config struct {
	// ControlListen is the address of the test-only control listener (127.0.0.1 only).
	ControlListen string `yaml:"control_listen"`
}

const exampleConfig = `# Address of the test-only control listener ("scan" a QR code, change a login's state).
control_listen: 127.0.0.1:29399
`

// Connector is the bridgev2 network connector of the test bridge.
type Connector struct {
	Bridge  *bridgev2.Bridge
	Config  Config
	control *control
}

var _ bridgev2.NetworkConnector = (*Connector)(nil)

func (c *Connector) Init(bridge *bridgev2.Bridge) {
	c.Bridge = bridge
	c.control = newControl(c)
}

func (c *Connector) Start(ctx context.Context) error {
	return c.control.listen(c.Config.ControlListen)
}

func (c *Connector) GetName() bridgev2.BridgeName {
	return bridgev2.BridgeName{
		DisplayName:      "Test",
		NetworkURL:       "https://example.invalid",
		NetworkID:        "test",
		BeeperBridgeType: "example.invalid/test",
		DefaultPort:      29398,
	}
}

func (c *Connector) GetDBMetaTypes() database.MetaTypes {
	return database.MetaTypes{}
}

func (c *Connector) GetCapabilities() *bridgev2.NetworkGeneralCapabilities {
	caps := &bridgev2.NetworkGeneralCapabilities{}
	// Something to see in /v3/capabilities.
	caps.Provisioning.ResolveIdentifier.LookupUsername = true
	return caps
}

func (c *Connector) GetConfig() (example string, data any, upgrader configupgrade.Upgrader) {
	return exampleConfig, &c.Config, configupgrade.SimpleUpgrader(func(helper configupgrade.Helper) {
		helper.Copy(configupgrade.Str, "control_listen")
	})
}

func (c *Connector) LoadUserLogin(ctx context.Context, login *bridgev2.UserLogin) error {
	login.Client = &Client{login: login}
	return nil
}

func (c *Connector) GetLoginFlows() []bridgev2.LoginFlow {
	flows := make([]bridgev2.LoginFlow, 0, len(flowList))
	for _, f := range flowList {
		flows = append(flows, bridgev2.LoginFlow{ID: f.id, Name: f.name, Description: f.description})
	}
	return flows
}

func (c *Connector) CreateLogin(ctx context.Context, user *bridgev2.User, flowID string) (bridgev2.LoginProcess, error) {
	for _, f := range flowList {
		if f.id == flowID {
			return newLogin(c, user, flowID), nil
		}
	}
	return nil, fmt.Errorf("unknown flow ID %q", flowID)
}

func (c *Connector) GetBridgeInfoVersion() (info, capabilities int) {
	return 1, 1
}
