package main

import "fmt"

// ratios compare Coffer's median times with the others'. For classic and
// restic it is their time over Coffer's: above 1, Coffer is faster. For
// the limit it is Coffer's time over the limit's: how far Coffer is from
// the bound. A ratio is absent when either side did not complete.
type ratios struct {
	BackupVsClassic  *float64 `json:"backupClassicOverCoffer"`
	BackupVsRestic   *float64 `json:"backupResticOverCoffer"`
	BackupVsLimit    *float64 `json:"backupCofferOverLimit"`
	RestoreVsClassic *float64 `json:"restoreClassicOverCoffer"`
	RestoreVsRestic  *float64 `json:"restoreResticOverCoffer"`
	RestoreVsLimit   *float64 `json:"restoreCofferOverLimit"`
}

func (r *result) ratios() ratios {
	c := r.entry("coffer")
	over := func(name string, backup, cofferFirst bool) *float64 {
		o := r.entry(name)
		if !c.complete() || !o.complete() {
			return nil
		}
		num, den := o.RestoreSeconds, c.RestoreSeconds
		if backup {
			num, den = o.BackupSeconds, c.BackupSeconds
		}
		if cofferFirst {
			num, den = den, num
		}
		v := num / den
		return &v
	}
	return ratios{
		BackupVsClassic:  over("classic", true, false),
		BackupVsRestic:   over("restic", true, false),
		BackupVsLimit:    over("limit", true, true),
		RestoreVsClassic: over("classic", false, false),
		RestoreVsRestic:  over("restic", false, false),
		RestoreVsLimit:   over("limit", false, true),
	}
}

// The product's targets.
const (
	targetVsClassic = 5.0
	targetVsLimit   = 1.5
	targetAgentRSS  = 64 << 20
)

// target is one of the product's goals and how this run fared; Met is nil
// when the run could not tell.
type target struct {
	Goal string   `json:"goal"`
	Got  *float64 `json:"got"`
	Met  *bool    `json:"met"`
}

func (r *result) targets() []target {
	check := func(goal string, got *float64, ok func(float64) bool) target {
		t := target{Goal: goal, Got: got}
		if got != nil {
			met := ok(*got)
			t.Met = &met
		}
		return t
	}
	var rss *float64
	if c := r.entry("coffer"); c.complete() {
		v := mib(max(c.BackupPeakRSS, c.RestorePeakRSS))
		rss = &v
	}
	return []target{
		check(fmt.Sprintf("backup at least %.0fx faster than classic", targetVsClassic),
			r.Ratios.BackupVsClassic, func(v float64) bool { return v >= targetVsClassic }),
		check("backup faster than restic", r.Ratios.BackupVsRestic,
			func(v float64) bool { return v > 1 }),
		check(fmt.Sprintf("backup within %.1fx of the limit", targetVsLimit),
			r.Ratios.BackupVsLimit, func(v float64) bool { return v <= targetVsLimit }),
		check("restore faster than restic", r.Ratios.RestoreVsRestic,
			func(v float64) bool { return v > 1 }),
		check(fmt.Sprintf("agent peak RSS below %d MiB", targetAgentRSS>>20), rss,
			func(v float64) bool { return v < mib(targetAgentRSS) }),
	}
}
