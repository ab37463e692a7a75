"""Layers the import contract cannot see. import-linter checks imports against the `layers`
contract in pyproject.toml; a model named by string slips past it: `apps.get_model(...)` and
the "app.Model" targets of ForeignKey / OneToOneField / ManyToManyField. These may not point to
a higher layer, nor sideways to another app of an independent layer (`|`), as an import may not.
Known crossings are listed below with their reason (architecture.md, "Where the code departs
from the design"); a new one fails here, and so does an entry that no longer crosses."""

import ast
import tomllib
from pathlib import Path

import dangbo

SRC = Path(dangbo.__file__).parent
PYPROJECT = SRC.parent.parent / "pyproject.toml"
RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}
DYNAMIC = "?"  # apps.get_model with a computed label: the target cannot be told

# (module under src/dangbo, target app label): why it may cross.
ALLOWED = {
    ("core/models.py", "organizations"): "accounts and role grants are held on an org node "
    "(UserProfile, RoleAssignment): the tree sits above the framework that restricts by it",
    ("core/accounts.py", "organizations"): "an account's org unit, for the accounts screens",
    ("core/forms.py", "organizations"): "the org picker of the account and role forms",
    ("core/permissions.py", "organizations"): "top_orgs(): the top nodes of a user's reach",
    ("core/views_admin.py", "organizations"): "accounts and grants are placed on org nodes",
    ("core/views_home.py", "organizations"): "the empty-install page: is there any org yet",
    ("core/ops.py", "imports"): "the operations status page counts stale import jobs",
    ("organizations/models.py", "members"): "an outgoing document names the member it is "
    "about (OutgoingDocument.subject_member); organizations never imports members",
    ("admissions/models.py", "committees"): "admission targets per term of office "
    "(AdmissionTermTarget.term), read through the relation without importing committees",
    ("programmes/models.py", "meetings"): "a task created from a cell-meeting resolution "
    "(Task.resolution_task, filled by the hooks.resolution_adopted receiver)",
    ("surveys/models.py", "meetings"): "a survey visit may attend a cell meeting",
    ("surveys/models.py", "programmes"): "a campaign evaluates a document or a programme",
    ("surveys/forms.py", "programmes"): "the campaign form's document and programme choices",
    ("surveys/services.py", "meetings"): "the sample's candidates show the grade of their "
    "last scored meeting",
}


def layer_map(config: dict) -> dict[str, tuple[int, bool]]:
    """App label → (layer index, 0 at the top; whether its layer's apps are independent), from
    every `layers` contract of an import-linter configuration."""
    result = {}
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract["type"] != "layers":
            continue
        for index, layer in enumerate(contract["layers"]):
            independent = ":" not in layer
            for module in layer.replace(":", "|").split("|"):
                result[module.strip().removeprefix("dangbo.")] = (index, independent)
    return result


def model_references(source: str) -> list[tuple[int, str, str]]:
    """(line, how, target app label) of every model named by string in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name == "get_model":
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((node.lineno, "apps.get_model", first.value.split(".")[0]))
            else:
                found.append((node.lineno, "apps.get_model", DYNAMIC))
        elif name in RELATIONS:
            target = node.args[0] if node.args else None
            for keyword in node.keywords:
                if keyword.arg == "to":
                    target = keyword.value
            if (
                isinstance(target, ast.Constant)
                and isinstance(target.value, str)
                and "." in target.value
            ):
                found.append((node.lineno, name, target.value.split(".")[0]))
    return found


def crossings(app: str, source: str, layers: dict) -> list[tuple[int, str, str]]:
    """The references of `source` (a module of `app`) to a model up a layer or sideways."""
    if app not in layers:
        return []  # outside the contract (api, formats, the project shell)
    level, independent = layers[app]
    result = []
    for line, how, target in model_references(source):
        if target == DYNAMIC:
            result.append((line, how, target))
            continue
        if target == app or target not in layers:
            continue  # its own models, or Django's and third-party apps
        above = layers[target][0] < level
        sideways = layers[target][0] == level and independent
        if above or sideways:
            result.append((line, how, target))
    return result


def _layers() -> dict:
    return layer_map(tomllib.loads(PYPROJECT.read_text(encoding="utf-8")))


def _all_crossings() -> dict[tuple[str, str], list[str]]:
    layers = _layers()
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if "migrations" in relative.parts or len(relative.parts) < 2:
            continue  # migrations mirror the models; top-level modules are the shell
        app = relative.parts[0]
        for line, how, target in crossings(app, path.read_text(encoding="utf-8"), layers):
            found.setdefault((relative.as_posix(), target), []).append(f"{line} {how}")
    return found


def test_the_contract_is_read():
    layers = _layers()
    assert layers["demo"][0] < layers["reports"][0] < layers["meetings"][0]
    assert layers["meetings"][0] < layers["members"][0] < layers["organizations"][0]
    assert layers["organizations"][0] < layers["core"][0]
    assert layers["meetings"] == layers["surveys"] and layers["meetings"][1]


def test_string_references_cross_no_layer_unless_allowed():
    found = _all_crossings()
    unlisted = sorted(
        f"{path} → {target}: line {', '.join(where)}"
        for (path, target), where in found.items()
        if (path, target) not in ALLOWED
    )
    assert unlisted == [], "a model named by string crosses a layer: import-linter cannot see it"
    assert sorted(set(ALLOWED) - set(found)) == [], "allowed, but no longer crossing: remove"


BAD_CORE = """
from django.apps import apps
from django.db import models

def members():
    return apps.get_model("members", "Member").objects.all()

class Note(models.Model):
    org = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT)
    user = models.ForeignKey("auth.User", on_delete=models.PROTECT)
    other = models.ForeignKey("Note", on_delete=models.PROTECT)
"""

BAD_DOMAIN = """
from django.apps import apps
from django.db import models

class Visit(models.Model):
    review = models.OneToOneField(to="reviews.MemberReview", on_delete=models.PROTECT)
    tags = models.ManyToManyField("reports.Snapshot")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT)
    own = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT)

def anything(label):
    return apps.get_model(*label.split("."))
"""


def test_crossings_are_found_in_a_bad_snippet():
    layers = _layers()
    core = crossings("core", BAD_CORE, layers)
    assert sorted((how, target) for _, how, target in core) == [
        ("ForeignKey", "organizations"),
        ("apps.get_model", "members"),
    ]
    domain = crossings("meetings", BAD_DOMAIN, layers)
    assert sorted((how, target) for _, how, target in domain) == [
        ("ManyToManyField", "reports"),  # up a layer
        ("OneToOneField", "reviews"),  # sideways: domain apps are independent
        ("apps.get_model", DYNAMIC),  # a computed label must be allowed by name
    ]
    # the same references from the top layer, or from outside the contract, are fine
    assert [t for _, _, t in crossings("demo", BAD_DOMAIN, layers)] == [DYNAMIC]
    assert crossings("settings", BAD_DOMAIN, layers) == []
    # api sits beside reports (#26): it may name domain models, not reports'
    assert sorted(t for _, _, t in crossings("api", BAD_DOMAIN, layers)) == [DYNAMIC, "reports"]


def test_a_layer_of_dependent_apps_allows_sideways_references():
    config = {
        "tool": {
            "importlinter": {
                "contracts": [{"type": "layers", "layers": ["dangbo.a : dangbo.b", "dangbo.c"]}]
            }
        }
    }
    layers = layer_map(config)
    source = 'x = models.ForeignKey("b.Thing", on_delete=models.PROTECT)'
    assert crossings("a", source, layers) == []
    assert [t for _, _, t in crossings("c", source, layers)] == ["b"]
