"""scripts/generate.py: every file it writes is fresh, a new adapter reaches all of them, and
a stale file makes --check fail naming it."""

from __future__ import annotations

import json
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = Path("scripts") / "generate.py"
PACKAGE = runpy.run_path(str(REPO / SCRIPT))["PACKAGE"]

EXAMPLE_ADAPTER = """\
// A dummy site for tests/test_generated.py.
export default {
  id: 'examplesite',
  name: 'Example Site',
  counts: 'prompts, not drafts',
  hosts: ['chat.example.com'],
  rules: [
    {
      id: 'ask',
      method: 'POST',
      hosts: ['api.example.com'],
      path: '^/v1/ask$',
      transport: 'fetch',
      kind: 'prompt',
    },
  ],
  exclude: ['^/v1/drafts$'],
};
"""


def fixture_step(path: str, status: int, expect: list) -> dict:
    return {
        "request": {"method": "POST", "url": f"https://api.example.com{path}",
                    "headers": {"content-type": "application/json"},
                    "body": {"prompt": "SECRET-PROMPT-TEXT hello"}},
        "response": {"status": status, "headers": {"content-type": "application/json"},
                     "body": "{}"},
        "expect": expect,
    }


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(root / SCRIPT), *args], cwd=root,
                          capture_output=True, text=True, check=False)


@pytest.fixture
def copy(tmp_path) -> Path:
    """A copy of what the script reads and writes (plus what the meta-test reads)."""
    root = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__", "node_modules")
    for folder in ("extension", "scripts", "tests/extension/fixtures"):
        shutil.copytree(REPO / folder, root / folder, ignore=ignore)
    for name in ("README.md", "pyproject.toml", "package.json", "package-lock.json",
                 "docs/sites.md", "tests/extension/meta.test.js", PACKAGE / "__init__.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / name, root / name)
    return root


def add_example_site(root: Path) -> None:
    (root / "extension" / "adapters" / "examplesite.js").write_text(EXAMPLE_ADAPTER)
    fixtures = root / "tests" / "extension" / "fixtures" / "examplesite"
    fixtures.mkdir()
    counted = fixture_step("/v1/ask", 200, [{"kind": "prompt", "count": 1}])
    drafts = fixture_step("/v1/drafts", 200, [])
    (fixtures / "ask.json").write_text(json.dumps({"description": "A prompt.", "steps": [counted]}))
    (fixtures / "drafts-not-counted.json").write_text(
        json.dumps({"description": "Saving a draft.", "steps": [drafts]}))
    with open(root / "docs" / "sites.md", "a", encoding="utf-8") as doc:
        doc.write("\n## Example Site (`examplesite`)\n\n- Host: chat.example.com.\n")


def test_every_generated_file_is_fresh():
    result = run(REPO, "--check")
    assert result.returncode == 0, result.stderr


def test_a_new_adapter_reaches_index_manifest_and_readme(copy):
    add_example_site(copy)
    assert run(copy, "--check").returncode == 1

    result = run(copy)
    assert result.returncode == 0, result.stderr

    index = (copy / "extension" / "adapters" / "index.js").read_text()
    exports = [line for line in index.splitlines() if line.startswith("export ")]
    assert "export { default as examplesite } from './examplesite.js';" in exports
    assert exports == sorted(exports)
    assert len(exports) == len(list((copy / "extension" / "adapters").glob("*.js"))) - 1
    manifest = json.loads((copy / "extension" / "manifest.json").read_text())
    assert "https://chat.example.com/*" in manifest["host_permissions"]
    assert "https://api.example.com/*" in manifest["host_permissions"]
    assert manifest["host_permissions"][-2:] == ["http://127.0.0.1/*", "http://localhost/*"]
    main, isolated, pair = manifest["content_scripts"]
    for site_list in (main, isolated):
        assert "https://chat.example.com/*" in site_list["matches"]
        assert "https://api.example.com/*" not in site_list["matches"]
    assert pair["matches"] == ["http://127.0.0.1/pair*", "http://localhost/pair*"]
    readme = (copy / "README.md").read_text()
    assert "| `examplesite` | Example Site (chat.example.com) | prompts, not drafts |" in readme

    assert run(copy, "--check").returncode == 0
    before = {path: path.read_bytes() for path in copy.rglob("*") if path.is_file()}
    assert run(copy).stdout.strip() == "every generated file is up to date"
    assert {path: path.read_bytes() for path in copy.rglob("*") if path.is_file()} == before

    # The meta-test agrees: the adapter, its fixtures, its section and the script are enough.
    meta = subprocess.run(["node", "--test", "tests/extension/meta.test.js"], cwd=copy,
                          capture_output=True, text=True, check=False)
    assert meta.returncode == 0, meta.stdout + meta.stderr


def test_a_stale_file_fails_the_check_by_name_and_is_not_written(copy):
    index = copy / "extension" / "adapters" / "index.js"
    edited = index.read_text().replace("export { default as claude } from './claude.js';\n", "")
    index.write_text(edited)

    result = run(copy, "--check")
    assert result.returncode == 1
    assert "extension/adapters/index.js" in result.stderr
    assert "manifest.json" not in result.stderr and "README.md" not in result.stderr
    assert index.read_text() == edited


def test_the_version_comes_from_pyproject_only(copy):
    pyproject = copy / "pyproject.toml"
    pyproject.write_text(re.sub(r'(?m)^version = ".*"$', 'version = "9.8.7"',
                                pyproject.read_text(), count=1))
    result = run(copy, "--check")
    assert result.returncode == 1
    for name in ("extension/manifest.json", "package.json", "package-lock.json",
                 (PACKAGE / "__init__.py").as_posix()):
        assert f"stale: {name} " in result.stderr

    assert run(copy).returncode == 0
    assert json.loads((copy / "extension" / "manifest.json").read_text())["version"] == "9.8.7"
    assert json.loads((copy / "package.json").read_text())["version"] == "9.8.7"
    lock = json.loads((copy / "package-lock.json").read_text())
    assert lock["version"] == lock["packages"][""]["version"] == "9.8.7"
    assert '__version__ = "9.8.7"' in (copy / PACKAGE / "__init__.py").read_text()


def test_an_adapter_without_counts_is_refused(copy):
    adapter = copy / "extension" / "adapters" / "examplesite.js"
    adapter.write_text(EXAMPLE_ADAPTER.replace("  counts: 'prompts, not drafts',\n", ""))
    result = run(copy)
    assert result.returncode == 2
    assert "examplesite.js: `counts`" in result.stderr
