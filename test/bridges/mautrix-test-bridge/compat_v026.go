//go:build mautrix_v026

package main

import "maunium.net/go/mautrix/bridgev2"

// mautrix-go before v0.26.4 has neither user_input attachments nor default values.

func addCaptchaImage(params *bridgev2.LoginUserInputParams) {}

func setDefault(field *bridgev2.LoginInputDataField, value string) {}
