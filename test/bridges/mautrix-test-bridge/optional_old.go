//go:build !mautrix_v032

package main

import "maunium.net/go/mautrix/bridgev2"

// Before mautrix-go v0.32 every field is required.
func setOptional(field *bridgev2.LoginInputDataField) {}
