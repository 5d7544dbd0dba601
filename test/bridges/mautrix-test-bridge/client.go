package main

import (
	"context"
	"errors"

	"maunium.net/go/mautrix/bridgev2"
	"maunium.net/go/mautrix/bridgev2/networkid"
	"maunium.net/go/mautrix/bridgev2/status"
	"maunium.net/go/mautrix/event"
)

// Client is the NetworkAPI of one login. There is no remote network: connecting only reports
// CONNECTED, and the control listener may report another state later.
type Client struct {
	login *bridgev2.UserLogin
}

var _ bridgev2.NetworkAPI = (*Client)(nil)

func (c *Client) Connect(ctx context.Context) {
	c.login.BridgeState.Send(status.BridgeState{StateEvent: status.StateConnected})
}

func (c *Client) Disconnect() {}

func (c *Client) IsLoggedIn() bool { return true }

func (c *Client) LogoutRemote(ctx context.Context) {}

func (c *Client) IsThisUser(ctx context.Context, userID networkid.UserID) bool {
	return string(userID) == string(c.login.ID)
}

func (c *Client) GetChatInfo(ctx context.Context, portal *bridgev2.Portal) (*bridgev2.ChatInfo, error) {
	return nil, errors.New("the test bridge has no chats")
}

func (c *Client) GetUserInfo(ctx context.Context, ghost *bridgev2.Ghost) (*bridgev2.UserInfo, error) {
	return nil, nil
}

func (c *Client) GetCapabilities(ctx context.Context, portal *bridgev2.Portal) *event.RoomFeatures {
	return &event.RoomFeatures{}
}

func (c *Client) HandleMatrixMessage(ctx context.Context, msg *bridgev2.MatrixMessage) (*bridgev2.MatrixMessageResponse, error) {
	return nil, errors.New("the test bridge has no chats")
}
