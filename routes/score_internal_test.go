package routes

import (
	"encoding/json"
	"math/big"
	"testing"

	"efile/services/appraisal"
)

// TestScoreJSON: a score is written as a JSON number with at most two
// decimals, the exact value.
func TestScoreJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    score
		want string
	}{
		{"twoDecimals_79.69", 7969, "79.69"},
		{"whole_noDecimals_80", 8000, "80"},
		{"oneDecimal_noTrailingZero_80.5", 8050, "80.5"},
		{"hundredth_0.05", 5, "0.05"},
		{"zero_0", 0, "0"},
		{"hundred_100", 10000, "100"},
		{"negative_-0.01", -1, "-0.01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(struct {
				Score score `json:"score"`
			}{tc.s})
			if err != nil {
				t.Fatal(err)
			}
			if got := string(b); got != `{"score":`+tc.want+`}` {
				t.Fatalf("got %s", got)
			}
			// The number reads back as the exact score.
			var back struct{ Score json.Number }
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			r, _ := new(big.Rat).SetString(back.Score.String())
			if r.Cmp(appraisal.Score(tc.s).Rat()) != 0 {
				t.Fatalf("%s reads back as %s", b, r.RatString())
			}
		})
	}
}
