package media

import "testing"

func TestRotationNormalised(t *testing.T) {
	type sd = []struct {
		Rotation float64 `json:"rotation"`
	}
	tests := []struct {
		tag  string
		side sd
		want int
	}{
		{"", nil, 0},
		{"90", nil, 90},
		{"-90", nil, 270},
		{"", sd{{Rotation: -90}}, 90},
		{"", sd{{Rotation: 90}}, 270},
		{"", sd{{Rotation: 180}}, 180},
		{"", sd{{Rotation: -270}}, 270},
		{"junk", nil, 0},
	}
	for _, tt := range tests {
		if got := rotation(tt.tag, tt.side); got != tt.want {
			t.Errorf("rotation(%q, %v) = %d, want %d", tt.tag, tt.side, got, tt.want)
		}
	}
}

func TestParseProbeNeedsVideo(t *testing.T) {
	if _, err := parseProbe([]byte(`{"format":{"duration":"3.0"},"streams":[{"codec_type":"audio","codec_name":"aac"}]}`)); err == nil {
		t.Error("audio-only probe accepted")
	}
	if _, err := parseProbe([]byte(`not json`)); err == nil {
		t.Error("bad JSON accepted")
	}
	p, err := parseProbe([]byte(`{"format":{"format_name":"mov,mp4","duration":"2.5","bit_rate":"1000"},"streams":[{"codec_type":"video","codec_name":"h264","width":640,"height":360,"avg_frame_rate":"30000/1001"}]}`))
	if err != nil || p.Width != 640 || p.FrameRate != 29.97 || p.DurationSeconds != 2.5 || p.BitRate != 1000 {
		t.Errorf("parseProbe = %+v, %v", p, err)
	}
}
