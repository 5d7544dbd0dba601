//go:build !mautrix_v026

package main

import (
	"encoding/base64"

	"maunium.net/go/mautrix/bridgev2"
	"maunium.net/go/mautrix/event"
)

// captchaPNG is a 1×1 PNG: the test only checks that an image reaches the client.
var captchaPNG, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")

func addCaptchaImage(params *bridgev2.LoginUserInputParams) {
	params.Attachments = []*bridgev2.LoginUserInputAttachment{{
		Type:     event.MsgImage,
		FileName: "captcha.png",
		Content:  captchaPNG,
		Info:     bridgev2.LoginUserInputAttachmentInfo{MimeType: "image/png", Width: 1, Height: 1, Size: len(captchaPNG)},
	}}
}

func setDefault(field *bridgev2.LoginInputDataField, value string) {
	field.DefaultValue = value
}
