package routes

import "testing"

// BenchmarkDecodeCreateRecord: the strict decode (unknown fields refused,
// one object only) of a create-record body, as every append runs it.
func BenchmarkDecodeCreateRecord(b *testing.B) {
	body := []byte(`{"occurred_on":"2025-06-01","category":"duty","content":"牵头完成年度重点工作任务，推进营商环境优化改革，组织防汛抗旱应急值守。"}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var in createRecordRequest
		if err := decodeBytes(body, &in); err != nil {
			b.Fatal(err)
		}
	}
}
