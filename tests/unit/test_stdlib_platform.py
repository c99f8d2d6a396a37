"""platform/ is a source folder, not a package: `import platform` must stay the standard library's."""

import importlib
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_platform_is_the_standard_library():
    module = importlib.import_module("platform")
    assert callable(module.python_version)
    assert Path(module.__file__).resolve().is_relative_to(Path(sysconfig.get_paths()["stdlib"]).resolve())


def test_platform_folder_has_no_init_file():
    assert (ROOT / "platform" / "basisbaan" / "__init__.py").exists()
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_basisbaan_is_importable_without_side_effects():
    before = set(sys.modules)
    importlib.import_module("basisbaan")
    from basisbaan import create_app, hookimpl

    assert callable(create_app) and hookimpl.project_name == "basisbaan"
    assert "flask.globals" in sys.modules or "flask.globals" not in before
