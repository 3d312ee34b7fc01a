"""Jupyter messaging conformance of the neurolab kernel (jupyter_kernel_test==0.7.0)."""
import jupyter_kernel_test


class NeurolabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "neurolab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("oops")'
    code_generate_error = 'throw new Error("boom")'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"neuro" + "lab"', "result": "'neurolab'"},
    ]
    code_display_data = [
        {"code": 'import { display } from "neurolab-kernel";\ndisplay("shown")', "mime": "text/plain"},
        {
            "code": 'import { display } from "neurolab-kernel";\n'
            'display({ [Symbol.for("jupyter.mimebundle")]() { return { "image/svg+xml": "<svg/>" }; } })',
            "mime": "image/svg+xml",
        },
    ]
    code_clear_output = 'import { clearOutput } from "neurolab-kernel";\nclearOutput()'

    completion_samples = [
        {"text": "Math.sq", "matches": {"sqrt", "SQRT1_2", "SQRT2"}},
        {"text": "const s = 'x'; s.toUpp", "matches": {"toUpperCase"}},
    ]
    complete_code_samples = ["1 + 1", "const x = 1;", "function f() { return 1; }"]
    incomplete_code_samples = ["function f() {", "const x = ("]
    code_inspect_sample = "Math.max"

    code_history_pattern = "6*7"
    supported_history_operations = ("tail", "range", "search")
