package main

import "time"

// Config holds the shop's settings. The defaults suit a person trying the
// shop; tests shorten the times.
type Config struct {
	// Instance names this process in leases and in the records of who
	// resolved what (SHOP_INSTANCE; default a random name).
	Instance string
	// PublicURL is where buyers and Antom reach the shop (SHOP_PUBLIC_URL).
	PublicURL string
	// OrderTTL is how long an order can be paid (SHOP_ORDER_TTL).
	OrderTTL time.Duration
	// PaymentTTL bounds each payment: paymentExpiryTime is the earlier of
	// now+PaymentTTL and the order's expiry (SHOP_PAYMENT_TTL).
	PaymentTTL time.Duration
	// PayTimeout bounds one pay call, retries included (SHOP_PAY_TIMEOUT).
	PayTimeout time.Duration
	// Lease is how long an instance holds a row it works on; after it, any
	// instance may take the row over (SHOP_LEASE). It must exceed PayTimeout.
	Lease time.Duration
	// InquireAfter is how long to wait for a notification before asking
	// Antom (SHOP_INQUIRE_AFTER); later checks back off from it.
	InquireAfter time.Duration
	// Tick is how often the worker looks for work (SHOP_TICK).
	Tick time.Duration
	// Worker runs the background resolver (SHOP_WORKER=off disables it).
	Worker bool
	// PreferredMethods orders the payment menu, first preferred.
	PreferredMethods []string
	// CrashAt names a checkpoint at which the process stops dead, for the
	// crash tests (SHOP_CRASH_AT); see checkpoint.
	CrashAt string
}

func defaultConfig() Config {
	return Config{
		Instance:         newID("shop-"),
		OrderTTL:         30 * time.Minute,
		PaymentTTL:       10 * time.Minute,
		PayTimeout:       20 * time.Second,
		Lease:            30 * time.Second,
		InquireAfter:     time.Minute,
		Tick:             2 * time.Second,
		Worker:           true,
		PreferredMethods: []string{"ALIPAY_CN", "ALIPAY_HK", "BLIK", "IDEAL", "P24"},
	}
}

func (c *Config) fromEnv(getenv func(string) string) error {
	c.Instance = envOr(getenv, "SHOP_INSTANCE", c.Instance)
	c.PublicURL = getenv("SHOP_PUBLIC_URL")
	c.CrashAt = getenv("SHOP_CRASH_AT")
	if getenv("SHOP_WORKER") == "off" {
		c.Worker = false
	}
	for key, dst := range map[string]*time.Duration{
		"SHOP_ORDER_TTL": &c.OrderTTL, "SHOP_PAYMENT_TTL": &c.PaymentTTL, "SHOP_PAY_TIMEOUT": &c.PayTimeout,
		"SHOP_LEASE": &c.Lease, "SHOP_INQUIRE_AFTER": &c.InquireAfter, "SHOP_TICK": &c.Tick,
	} {
		if err := parseDurationEnv(getenv, key, dst); err != nil {
			return err
		}
	}
	return nil
}
