package mapi

// notifyVerifyHint says what a notify_verify answer most likely means
// (Alipay's demo documents "invalid" as invalid input, the
// partner ID or notify_id, and "false" as a notification not sent by
// Alipay or older than about a minute).
func notifyVerifyHint(answer string) string {
	switch answer {
	case "invalid":
		return ": most likely the partner ID is wrong: Alipay answers \"invalid\" when the partner it is asked for did not receive this notify_id " +
			"(a sandbox PID against production, the production PID against the sandbox, or another merchant's PID); check the PID given to NewClient and the gateway"
	case "false":
		return ": the notification was not sent by Alipay, or its notify_id is older than about a minute (a resend after a missed acknowledgement keeps the first notify_id)"
	}
	return ""
}
