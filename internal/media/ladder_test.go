package media

import "testing"

func TestPlanLadder(t *testing.T) {
	tests := []struct {
		name  string
		probe Probe
		want  []string // "name WxH"
	}{
		{"1080p landscape", Probe{Width: 1920, Height: 1080, FrameRate: 30}, []string{"360p 640x360", "480p 854x480", "720p 1280x720", "1080p 1920x1080"}},
		{"4K stops at 1080p", Probe{Width: 3840, Height: 2160, FrameRate: 60}, []string{"360p 640x360", "480p 854x480", "720p 1280x720", "1080p 1920x1080"}},
		{"720p never upscales", Probe{Width: 1280, Height: 720, FrameRate: 25}, []string{"360p 640x360", "480p 854x480", "720p 1280x720"}},
		{"rotated phone clip is portrait", Probe{Width: 1920, Height: 1080, Rotation: 90, FrameRate: 30}, []string{"360p 360x640", "480p 480x854", "720p 720x1280", "1080p 1080x1920"}},
		{"odd dimensions become even", Probe{Width: 641, Height: 481, FrameRate: 30}, []string{"360p 480x360", "480p 640x480"}},
		{"a few pixels short of 1080p is 1080p", Probe{Width: 1918, Height: 1078, FrameRate: 30}, []string{"360p 640x360", "480p 854x480", "720p 1282x720", "1080p 1918x1078"}},
		{"a portrait 1078x1918 too", Probe{Width: 1078, Height: 1918, FrameRate: 30}, []string{"360p 360x640", "480p 480x854", "720p 720x1282", "1080p 1078x1918"}},
		{"but 1000 lines is not", Probe{Width: 1778, Height: 1000, FrameRate: 30}, []string{"360p 640x360", "480p 854x480", "720p 1280x720"}},
		{"tiny source keeps its size", Probe{Width: 320, Height: 241, FrameRate: 30}, []string{"240p 320x240"}},
	}
	for _, tt := range tests {
		got := PlanLadder(tt.probe)
		if len(got) != len(tt.want) {
			t.Errorf("%s: %d rungs %+v, want %v", tt.name, len(got), got, tt.want)
			continue
		}
		for i, r := range got {
			if s := r.Name + " " + itoa(r.Width) + "x" + itoa(r.Height); s != tt.want[i] {
				t.Errorf("%s: rung %d = %s, want %s", tt.name, i, s, tt.want[i])
			}
			if r.Width%2 != 0 || r.Height%2 != 0 || r.VideoKbps <= 0 || r.MaxKbps <= r.VideoKbps {
				t.Errorf("%s: bad rung %+v", tt.name, r)
			}
		}
	}
	// Bits per pixel: 1080p at 30 fps and 0.10 bpp is about 6.2 Mbit/s.
	r := PlanLadder(Probe{Width: 1920, Height: 1080, FrameRate: 30})[3]
	if r.VideoKbps < 6000 || r.VideoKbps > 6400 {
		t.Errorf("1080p30 bitrate %d kbps", r.VideoKbps)
	}
	// Frame rate above 30 is capped: the same rate as 30 fps.
	if a, b := PlanLadder(Probe{Width: 1280, Height: 720, FrameRate: 60})[2], PlanLadder(Probe{Width: 1280, Height: 720, FrameRate: 30})[2]; a.VideoKbps != b.VideoKbps {
		t.Errorf("60 fps rung %d kbps, 30 fps %d", a.VideoKbps, b.VideoKbps)
	}
}

func TestAverageRate(t *testing.T) {
	tests := []struct {
		declared float64
		frames   int
		seconds  float64
		want     float64
	}{
		{29.97, 300, 10.01, 29.97}, // agrees: keep the exact figure
		{30, 140, 6, 23.333},       // Matroska reporting the first frames' rate
		{0, 250, 10, 25},           // no figure at all
		{25, 0, 10, 25},            // nothing counted
	}
	for _, tt := range tests {
		if got := averageRate(tt.declared, tt.frames, tt.seconds); got != tt.want {
			t.Errorf("averageRate(%v, %d, %v) = %v, want %v", tt.declared, tt.frames, tt.seconds, got, tt.want)
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
