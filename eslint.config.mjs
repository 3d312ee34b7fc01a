// ESLint 10 flat config: JavaScript's and typescript-eslint's recommended rules (no type
// information, so the check stays fast) plus a few rules that catch real bugs. No stylistic rules:
// layout is Prettier's job (`npm run format`).
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/lib/**",
      "extension/neurolab_jupyterlab/**",
      "bench/results/**",
      "test/artifacts/**",
      "docs/api/**",
      ".venv/**",
      ".venv-peers/**",
      ".neurolab/**",
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: {
        // Node and browser globals used by the library, kernel, extension, tests and scripts.
        console: "readonly",
        process: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        AbortController: "readonly",
        AbortSignal: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        setImmediate: "readonly",
        queueMicrotask: "readonly",
        performance: "readonly",
        structuredClone: "readonly",
        fetch: "readonly",
        WebAssembly: "readonly",
        globalThis: "readonly",
        window: "readonly",
        document: "readonly",
        HTMLElement: "readonly",
        requestAnimationFrame: "readonly",
        ResizeObserver: "readonly",
        atob: "readonly",
        btoa: "readonly",
        __dirname: "readonly",
        require: "readonly",
        module: "writable",
      },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // Unused names are dead code or a forgotten use; `_name` marks a deliberately unused one.
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrors: "none",
          ignoreRestSiblings: true,
        },
      ],
      // Loose equality hides coercions (`null` checks with `== null` stay allowed).
      eqeqeq: ["error", "always", { null: "ignore" }],
      // A `let` never reassigned reads as mutable state that is not.
      "prefer-const": ["error", { destructuring: "all", ignoreReadBeforeAssign: true }],
      // `a && f()` and `c ? f() : g()` as statements are idioms here; a bare expression is not.
      "@typescript-eslint/no-unused-expressions": [
        "error",
        { allowShortCircuit: true, allowTernary: true },
      ],
      // Likely bugs the recommended sets leave out.
      "no-unreachable-loop": "error",
      "no-constructor-return": "error",
      "no-new-wrappers": "error",
      "no-implied-eval": "error",
      "no-eval": "error",
      "no-throw-literal": "error",
      "default-case-last": "error",
      // The library compiles to CommonJS, where a local named `exports` shadows the module's own
      // exports object: reading an exported binding of the same module in that scope is then a
      // temporal-dead-zone error at run time (seen once in src/equations/synapsegen.ts).
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "VariableDeclarator[id.name='exports'], FunctionDeclaration > Identifier.params[name='exports']",
          message:
            "Do not name a variable `exports`: in the CommonJS build it shadows the module's exports.",
        },
      ],
      // Imports used only as types say so: they load nothing at runtime (and the import-cycle
      // test in test/unit/import_cycles.test.ts tells them apart).
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    // Tests pass ill-typed values on purpose (fuzzing, hostile payloads).
    files: ["test/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Browser tests: callbacks of page.evaluate run in the page.
    files: ["test/browser/**"],
    languageOptions: {
      globals: {
        getComputedStyle: "readonly",
        Image: "readonly",
        Event: "readonly",
        MouseEvent: "readonly",
      },
    },
  },
);
