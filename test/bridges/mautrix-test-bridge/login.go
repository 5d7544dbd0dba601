package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"maunium.net/go/mautrix/bridgev2"
	"maunium.net/go/mautrix/bridgev2/database"
	"maunium.net/go/mautrix/bridgev2/networkid"
	"maunium.net/go/mautrix/bridgev2/status"
)

type flowDef struct{ id, name, description string }

// flowList is every login flow of the test bridge; each exercises one kind of step.
var flowList = []flowDef{
	{"password", "Password", `Username and password. The password "wrong" fails as a plain error, "refused" as M_FORBIDDEN.`},
	{"password-2fa", "Password and 2FA", `Username and password, then a code: 123456 (another code is asked again).`},
	{"cookies", "Cookies", "Cookies, local storage and a request header read from a web page."},
	{"qr", "QR code", "Scan a QR code (POST /scan on the control listener)."},
	{"emoji", "Emoji", "Compare emoji (POST /scan on the control listener)."},
	{"code", "Pairing code", "Enter a code on the other device (POST /scan on the control listener)."},
	{"nothing", "Confirm elsewhere", "Confirm on the other device (POST /scan on the control listener)."},
	{"phone", "Phone and captcha", "A phone number, then a captcha: 42."},
	{"network-error", "Network error", "A step whose submission fails with a network error."},
	{"slow", "Slow confirmation", "A wait that ends with the step unchanged (POST /tick), then POST /scan."},
}

const (
	stepPassword = "example.invalid.test.password"
	step2FA      = "example.invalid.test.2fa"
	stepCookies  = "example.invalid.test.cookies"
	stepQR       = "example.invalid.test.qr"
	stepDisplay  = "example.invalid.test.display"
	stepPhone    = "example.invalid.test.phone"
	stepCaptcha  = "example.invalid.test.captcha"
	stepServer   = "example.invalid.test.server"
	stepComplete = "example.invalid.test.complete"
)

// controlEvent is what the control listener sends to a waiting login.
type controlEvent struct {
	kind     string // "scan", "refresh" or "tick"
	username string
}

// Login is one login process.
type Login struct {
	conn   *Connector
	user   *bridgev2.User
	flow   string
	nonce  string
	events chan controlEvent

	username string
	step     *bridgev2.LoginStep
	qrCount  int
}

var (
	_ bridgev2.LoginProcessUserInput      = (*Login)(nil)
	_ bridgev2.LoginProcessCookies        = (*Login)(nil)
	_ bridgev2.LoginProcessDisplayAndWait = (*Login)(nil)
)

func newLogin(conn *Connector, user *bridgev2.User, flow string) *Login {
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	return &Login{conn: conn, user: user, flow: flow, nonce: hex.EncodeToString(buf), events: make(chan controlEvent, 8)}
}

func (l *Login) Start(ctx context.Context) (*bridgev2.LoginStep, error) {
	switch l.flow {
	case "password", "password-2fa":
		return l.show(passwordStep()), nil
	case "cookies":
		return l.show(cookiesStep()), nil
	case "qr":
		return l.show(l.qrStep()), nil
	case "emoji":
		return l.show(displayStep(bridgev2.LoginDisplayTypeEmoji, "🐱 🦊 🐢 🌵", "Check that the other device shows these emoji.")), nil
	case "code":
		return l.show(displayStep(bridgev2.LoginDisplayTypeCode, strings.ToUpper(l.nonce[:4]+"-"+l.nonce[4:8]), "Enter this code on the other device.")), nil
	case "nothing", "slow":
		return l.show(displayStep(bridgev2.LoginDisplayTypeNothing, "", "Confirm the login on the other device.")), nil
	case "phone":
		return l.show(phoneStep()), nil
	case "network-error":
		return l.show(serverStep()), nil
	}
	return nil, fmt.Errorf("unknown flow ID %q", l.flow)
}

func (l *Login) Cancel() {
	l.conn.control.forget(l)
}

// show remembers the step (the control listener matches on its data) and returns it.
func (l *Login) show(step *bridgev2.LoginStep) *bridgev2.LoginStep {
	l.step = step
	if step.Type == bridgev2.LoginStepTypeDisplayAndWait {
		l.conn.control.remember(l)
	}
	return step
}

func (l *Login) SubmitUserInput(ctx context.Context, input map[string]string) (*bridgev2.LoginStep, error) {
	switch l.step.StepID {
	case stepPassword:
		switch input["password"] {
		case "":
			return nil, bridgev2.RespError{ErrCode: "M_BAD_JSON", Err: "A password is required", StatusCode: http.StatusBadRequest}
		case "wrong":
			// What most bridges do with their network's refusal: a plain error (500 M_UNKNOWN).
			return nil, errors.New("incorrect password")
		case "refused":
			// Bridges that type the refusal answer 403 M_FORBIDDEN.
			return nil, bridgev2.RespError{ErrCode: "M_FORBIDDEN", Err: "Invalid username or password", StatusCode: http.StatusForbidden}
		}
		l.username = input["username"]
		if l.flow == "password-2fa" {
			return l.show(twoFactorStep("Enter the code from your authenticator app.")), nil
		}
		return l.complete(ctx, l.username, input["password"])
	case step2FA:
		if input["code"] != "123456" {
			// Asked again under the same step ID, as bridges do after a mistyped code.
			return l.show(twoFactorStep("Wrong code, try again.")), nil
		}
		return l.complete(ctx, l.username, "2FA user "+l.username)
	case stepPhone:
		phone := input["phone"]
		if !strings.HasPrefix(phone, "+") || strings.ContainsAny(phone, " -().") {
			return nil, bridgev2.RespError{ErrCode: "M_INVALID_PARAM", Err: "Phone number must be like +15551234567", StatusCode: http.StatusBadRequest}
		}
		l.username = phone
		return l.show(captchaStep("Type the number in the picture.")), nil
	case stepCaptcha:
		if input["captcha"] != "42" {
			return l.show(captchaStep("Wrong answer, try again.")), nil
		}
		return l.complete(ctx, l.username, "Phone "+l.username)
	case stepServer:
		client := &http.Client{Timeout: 5 * time.Second}
		resp, err := client.Get(input["server"])
		if err != nil {
			return nil, fmt.Errorf("failed to reach the login server: %w", err)
		}
		_ = resp.Body.Close()
		return l.complete(ctx, "server-user", "Server user")
	}
	return nil, fmt.Errorf("unexpected user input for step %s", l.step.StepID)
}

func (l *Login) SubmitCookies(ctx context.Context, cookies map[string]string) (*bridgev2.LoginStep, error) {
	if cookies["session"] == "" || cookies["token"] == "" {
		return nil, bridgev2.RespError{ErrCode: "M_FORBIDDEN", Err: "The session cookie and token are required", StatusCode: http.StatusForbidden}
	}
	return l.complete(ctx, "cookie-"+cookies["session"], "Cookie user "+cookies["session"])
}

func (l *Login) Wait(ctx context.Context) (*bridgev2.LoginStep, error) {
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case ev := <-l.events:
		switch ev.kind {
		case "scan":
			name := ev.username
			if name == "" {
				name = l.flow + "-user"
			}
			l.conn.control.forget(l)
			return l.complete(ctx, name, "Scanned "+name)
		case "refresh":
			if l.flow == "qr" {
				return l.show(l.qrStep()), nil
			}
			return l.again(), nil
		default: // "tick": the wait ends, the step stays as it is
			return l.again(), nil
		}
	}
}

// again is the current step once more, as a new value (v0.30+ stamps a txn_id on each one).
func (l *Login) again() *bridgev2.LoginStep {
	step := *l.step
	return l.show(&step)
}

// complete creates (or updates) the user login and reports it connected.
func (l *Login) complete(ctx context.Context, id, name string) (*bridgev2.LoginStep, error) {
	if id == "" {
		return nil, bridgev2.RespError{ErrCode: "M_BAD_JSON", Err: "A username is required", StatusCode: http.StatusBadRequest}
	}
	ul, err := l.user.NewLogin(ctx, &database.UserLogin{
		ID:            networkid.UserLoginID(id),
		RemoteName:    name,
		RemoteProfile: status.RemoteProfile{Name: name, Username: id},
	}, &bridgev2.NewLoginParams{DeleteOnConflict: true})
	if err != nil {
		return nil, fmt.Errorf("failed to save the login: %w", err)
	}
	ul.Client.Connect(ctx)
	return &bridgev2.LoginStep{
		Type:           bridgev2.LoginStepTypeComplete,
		StepID:         stepComplete,
		Instructions:   "Logged in as " + name,
		CompleteParams: &bridgev2.LoginCompleteParams{UserLoginID: ul.ID, UserLogin: ul},
	}, nil
}

func (l *Login) qrStep() *bridgev2.LoginStep {
	l.qrCount++
	return &bridgev2.LoginStep{
		Type:         bridgev2.LoginStepTypeDisplayAndWait,
		StepID:       stepQR,
		Instructions: "Scan this QR code with the other device.",
		DisplayAndWaitParams: &bridgev2.LoginDisplayAndWaitParams{
			Type: bridgev2.LoginDisplayTypeQR,
			Data: fmt.Sprintf("test-qr:%s:%d", l.nonce, l.qrCount),
		},
	}
}

func displayStep(kind bridgev2.LoginDisplayType, data, instructions string) *bridgev2.LoginStep {
	return &bridgev2.LoginStep{
		Type:                 bridgev2.LoginStepTypeDisplayAndWait,
		StepID:               stepDisplay,
		Instructions:         instructions,
		DisplayAndWaitParams: &bridgev2.LoginDisplayAndWaitParams{Type: kind, Data: data},
	}
}

func passwordStep() *bridgev2.LoginStep {
	return &bridgev2.LoginStep{
		Type:         bridgev2.LoginStepTypeUserInput,
		StepID:       stepPassword,
		Instructions: "Log in with your test account.",
		UserInputParams: &bridgev2.LoginUserInputParams{Fields: []bridgev2.LoginInputDataField{
			{Type: bridgev2.LoginInputFieldTypeUsername, ID: "username", Name: "Username", Description: "Any name; it becomes the login ID"},
			{Type: bridgev2.LoginInputFieldTypePassword, ID: "password", Name: "Password"},
		}},
	}
}

func twoFactorStep(instructions string) *bridgev2.LoginStep {
	return &bridgev2.LoginStep{
		Type:         bridgev2.LoginStepTypeUserInput,
		StepID:       step2FA,
		Instructions: instructions,
		UserInputParams: &bridgev2.LoginUserInputParams{Fields: []bridgev2.LoginInputDataField{
			{Type: bridgev2.LoginInputFieldType2FACode, ID: "code", Name: "Code", Pattern: `^[0-9]{6}$`},
		}},
	}
}

func phoneStep() *bridgev2.LoginStep {
	device := bridgev2.LoginInputDataField{Type: bridgev2.LoginInputFieldTypeUsername, ID: "device", Name: "Device name"}
	setOptional(&device)
	return &bridgev2.LoginStep{
		Type:         bridgev2.LoginStepTypeUserInput,
		StepID:       stepPhone,
		Instructions: "Enter your phone number.",
		UserInputParams: &bridgev2.LoginUserInputParams{Fields: []bridgev2.LoginInputDataField{
			{Type: bridgev2.LoginInputFieldTypePhoneNumber, ID: "phone", Name: "Phone number", Description: "With the country code"},
			device,
		}},
	}
}

func captchaStep(instructions string) *bridgev2.LoginStep {
	params := &bridgev2.LoginUserInputParams{Fields: []bridgev2.LoginInputDataField{
		// The constant exists from v0.26.4 on; the wire value is the same string everywhere.
		{Type: bridgev2.LoginInputFieldType("captcha_code"), ID: "captcha", Name: "Captcha"},
	}}
	addCaptchaImage(params)
	return &bridgev2.LoginStep{Type: bridgev2.LoginStepTypeUserInput, StepID: stepCaptcha, Instructions: instructions, UserInputParams: params}
}

func serverStep() *bridgev2.LoginStep {
	field := bridgev2.LoginInputDataField{Type: bridgev2.LoginInputFieldTypeURL, ID: "server", Name: "Login server"}
	setDefault(&field, "http://127.0.0.1:1/")
	return &bridgev2.LoginStep{
		Type:            bridgev2.LoginStepTypeUserInput,
		StepID:          stepServer,
		Instructions:    "Enter the address of the login server.",
		UserInputParams: &bridgev2.LoginUserInputParams{Fields: []bridgev2.LoginInputDataField{field}},
	}
}

func cookiesStep() *bridgev2.LoginStep {
	return &bridgev2.LoginStep{
		Type:         bridgev2.LoginStepTypeCookies,
		StepID:       stepCookies,
		Instructions: "Log in on the web page; the session is read from the browser.",
		CookiesParams: &bridgev2.LoginCookiesParams{
			URL:               "https://example.invalid/login",
			UserAgent:         "Mozilla/5.0 (test bridge)",
			WaitForURLPattern: `^https://example\.invalid/home`,
			ExtractJS:         `() => Promise.resolve({ token: window.localStorage.getItem("token") })`,
			Fields: []bridgev2.LoginCookieField{
				{ID: "session", Required: true, Sources: []bridgev2.LoginCookieFieldSource{
					{Type: bridgev2.LoginCookieTypeCookie, Name: "session", CookieDomain: "example.invalid"},
				}},
				{ID: "token", Required: true, Sources: []bridgev2.LoginCookieFieldSource{
					{Type: bridgev2.LoginCookieTypeLocalStorage, Name: "token"},
				}},
				{ID: "auth", Required: false, Sources: []bridgev2.LoginCookieFieldSource{
					{Type: bridgev2.LoginCookieTypeRequestHeader, Name: "Authorization", RequestURLRegex: `^https://example\.invalid/api/`},
				}},
			},
		},
	}
}
