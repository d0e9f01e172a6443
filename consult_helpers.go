package alipay

// Consult answers can list dozens of methods. Antom's integration guide for
// non-card payments (https://global.alipay.com/docs/ac/cashierpay/noncard_payment,
// step 1) recommends hiding or greying out the options that are not
// enabled, and folding the rest into a two-level menu by
// paymentMethodCategory. These helpers do the sorting so that every
// merchant does not write it again; they never reorder within a category,
// because Antom already sorts the options for the buyer's region.

// PaymentOptionGroup is the payment options of one paymentMethodCategory,
// in the order consult returned them.
type PaymentOptionGroup struct {
	// Category is empty for options that came without one.
	Category PaymentMethodCategory
	Options  []PaymentOption
}

// EnabledOptions returns the options the buyer can pay with now, in
// consult's order.
func (r *ConsultResponse) EnabledOptions() []PaymentOption {
	return r.filterOptions(true)
}

// DisabledOptions returns the options that are not available for this
// payment, in consult's order. Show them greyed out with their
// DisableReason, or not at all.
func (r *ConsultResponse) DisabledOptions() []PaymentOption {
	return r.filterOptions(false)
}

func (r *ConsultResponse) filterOptions(enabled bool) []PaymentOption {
	if r == nil {
		return nil
	}
	var out []PaymentOption
	for _, o := range r.PaymentOptions {
		if o.Enabled == enabled {
			out = append(out, o)
		}
	}
	return out
}

// GroupsByCategory groups every option, enabled or not, by
// PaymentMethodCategory: one group per category, groups in the order their
// first option appears, options in consult's order within a group.
func (r *ConsultResponse) GroupsByCategory() []PaymentOptionGroup {
	if r == nil {
		return nil
	}
	return GroupPaymentOptions(r.PaymentOptions)
}

// GroupPaymentOptions groups options by PaymentMethodCategory as
// GroupsByCategory does, for a list already filtered or reordered, such as
// the result of EnabledOptions.
func GroupPaymentOptions(opts []PaymentOption) []PaymentOptionGroup {
	var groups []PaymentOptionGroup
	index := make(map[PaymentMethodCategory]int)
	for _, o := range opts {
		i, ok := index[o.PaymentMethodCategory]
		if !ok {
			i = len(groups)
			index[o.PaymentMethodCategory] = i
			groups = append(groups, PaymentOptionGroup{Category: o.PaymentMethodCategory})
		}
		groups[i].Options = append(groups[i].Options, o)
	}
	return groups
}
