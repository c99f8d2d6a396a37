"""Plugin manager: loads municipality plugins from entry points and dispatches hooks per tenant."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any, Mapping

import pluggy

from basisbaan import hookspecs

PROJECT = "basisbaan"
ENTRY_POINT_GROUP = "basisbaan.municipalities"
CORE_PLUGIN_NAME = "basisbaan.defaults"

hookimpl = pluggy.HookimplMarker(PROJECT)


class UnknownPluginError(LookupError):
    """A tenant is bound to a municipality plugin that is not installed."""


class TenantHooks:
    """The hooks as one municipality sees them: its own plugin plus the core defaults, nothing else."""

    def __init__(self, pm: pluggy.PluginManager, others: list[Any]):
        self._pm = pm
        self._others = others
        self._callers: dict[str, Any] = {}

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        caller = self._callers.get(name)
        if caller is None:
            caller = self._pm.subset_hook_caller(name, remove_plugins=self._others)
            self._callers[name] = caller
        return caller


class PluginRegistry:
    """The municipality plugins of one app; built by the factory (or by a test) and kept in app.extensions."""

    def __init__(self, extra: Mapping[str, Any] | None = None, load_entry_points: bool = True):
        from basisbaan import defaults

        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.pm.register(defaults, name=CORE_PLUGIN_NAME)
        self._municipalities: dict[str, Any] = {}
        if load_entry_points:
            for ep in entry_points(group=ENTRY_POINT_GROUP):
                self.add(ep.name, ep.load())
        for name, plugin in (extra or {}).items():
            self.add(name, plugin)
        self.pm.check_pending()
        self._hooks: dict[str, TenantHooks] = {}

    def add(self, name: str, plugin: Any) -> None:
        if name in self._municipalities:
            raise ValueError(f"municipality plugin {name!r} is registered twice")
        self.pm.register(plugin, name=name)
        self._municipalities[name] = plugin

    def names(self) -> list[str]:
        return sorted(self._municipalities)

    def has(self, name: str) -> bool:
        return name in self._municipalities

    def hooks(self, plugin_name: str) -> TenantHooks:
        """The hook caller for tenants bound to `plugin_name`."""
        if plugin_name not in self._municipalities:
            installed = ", ".join(self.names()) or "none"
            raise UnknownPluginError(
                f"municipality plugin {plugin_name!r} is not installed (installed: {installed})"
            )
        hooks = self._hooks.get(plugin_name)
        if hooks is None:
            others = [p for n, p in self._municipalities.items() if n != plugin_name]
            hooks = self._hooks[plugin_name] = TenantHooks(self.pm, others)
        return hooks

    def for_tenant(self, tenant) -> TenantHooks:
        return self.hooks(tenant.plugin)
