// The CEL oracle: cel-go itself, at the version zot pins, in the environment zot's pkg/cel.NewExpression
// builds (zot at the commit plugins/module_utils/_zot.py names). tests/unit/plugins/module_utils/
// test_cel_oracle.py sends it one JSON case a line on stdin and compares each answer with what
// plugins/module_utils/_cel.py says of the same expression.
//
//	{"expression": "...", "variables": "req" | "claims", "output": "" | "bool"}
//	-> {"error": "cel-go's issues, or the output type or program error zot reports", "type": "bool"}
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/ext"
)

type request struct {
	Expression string `json:"expression"`
	Variables  string `json:"variables"`
	Output     string `json:"output"`
}

type answer struct {
	Error string `json:"error,omitempty"`
	Type  string `json:"type,omitempty"`
}

func environment(variables string) (*cel.Env, error) {
	options := []cel.EnvOption{
		cel.HomogeneousAggregateLiterals(),
		cel.EagerlyValidateDeclarations(true),
		cel.DefaultUTCTimeZone(true),
		cel.CrossTypeNumericComparisons(true),
		cel.OptionalTypes(),
		ext.Strings(),
		ext.Sets(),
		ext.Encoders(),
	}
	switch variables {
	case "req": // api.CompileAccessControl: WithDynMapVariables("req")
		options = append(options, cel.Variable("req", cel.MapType(cel.StringType, cel.DynType)))
	case "claims": // cel.NewClaimProcessor: WithStructVariables("claims", "vars")
		for _, name := range []string{"claims", "vars"} {
			options = append(options, cel.Variable(name, cel.ObjectType("google.protobuf.Struct")))
		}
	default:
		return nil, fmt.Errorf("unknown variables %q", variables)
	}
	return cel.NewEnv(options...)
}

func compile(r request) answer {
	env, err := environment(r.Variables)
	if err != nil {
		return answer{Error: err.Error()}
	}
	ast, issues := env.Compile(r.Expression)
	if issues != nil {
		return answer{Error: issues.String()}
	}
	// WithOutputType compares the type itself, as NewExpression does.
	if r.Output == "bool" && ast.OutputType() != types.BoolType {
		return answer{Error: fmt.Sprintf("CEL expression output type mismatch: expected %s, got %s", types.BoolType, ast.OutputType())}
	}
	// NewExpression also builds the program; that step can refuse what Compile accepted.
	if _, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize), cel.InterruptCheckFrequency(100)); err != nil {
		return answer{Error: err.Error()}
	}
	return answer{Type: cel.FormatCELType(ast.OutputType())}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var r request
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			fmt.Fprintln(os.Stderr, "cel-oracle:", err)
			os.Exit(2)
		}
		if err := out.Encode(compile(r)); err != nil {
			fmt.Fprintln(os.Stderr, "cel-oracle:", err)
			os.Exit(2)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "cel-oracle:", err)
		os.Exit(2)
	}
}
