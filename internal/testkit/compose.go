package testkit

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Compose is the part of a docker-compose file the tests check and the
// topology test runs from: each service's image, build, command,
// environment (interpolated), published ports and health check.
type Compose struct {
	Services map[string]ComposeService `yaml:"services"`
}

// ComposeService is one service of a compose file.
type ComposeService struct {
	Image       string            `yaml:"image"`
	Build       any               `yaml:"build"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	Healthcheck struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
	DependsOn map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
}

// LoadCompose reads a compose file, interpolating ${VAR}, ${VAR:-default},
// ${VAR-default}, ${VAR:?message} and ${VAR?message} from vars as compose
// does (a required variable that is missing is an error naming it), and
// resolving YAML anchors and merge keys.
func LoadCompose(path string, vars map[string]string) (Compose, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Compose{}, err
	}
	text, err := interpolate(string(raw), vars)
	if err != nil {
		return Compose{}, err
	}
	var c Compose
	if err := yaml.Unmarshal([]byte(text), &c); err != nil {
		return Compose{}, fmt.Errorf("compose: %w", err)
	}
	return c, nil
}

// Names lists the services in order.
func (c Compose) Names() []string {
	var out []string
	for n := range c.Services {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

var composeVar = regexp.MustCompile(`\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)((:?[-?])([^}]*))?\}`)

func interpolate(s string, vars map[string]string) (string, error) {
	var missing []string
	out := composeVar.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return "$"
		}
		g := composeVar.FindStringSubmatch(m)
		name, op, arg := g[1], g[3], g[4]
		v, set := vars[name]
		empty := !set || (strings.HasPrefix(op, ":") && v == "")
		switch strings.TrimPrefix(op, ":") {
		case "-":
			if empty {
				return arg
			}
		case "?":
			if empty {
				missing = append(missing, name+": "+arg)
				return ""
			}
		}
		return v
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("compose: required variables missing: %s", strings.Join(missing, "; "))
	}
	return out, nil
}
