"""Layers the import contract cannot see. import-linter checks imports against the `layers`
contract in pyproject.toml; a model named by string slips past it: `apps.get_model(...)` and
the "app.Model" targets of ForeignKey / OneToOneField / ManyToManyField. These may not point to
a higher layer, nor sideways to another app of an independent layer (`|`), as an import may not.
Known crossings are listed below with their reason (architecture.md, "Where the code departs
from the design"); a new one fails here, and so does an entry that no longer crosses.

A model is also reached without naming it: through the reverse side of a relation an upper app
declares on a lower app's model (`org.members`, `Organization.members.field.model`,
`filter(members__status=...)`), or by introspecting a relation (`.field.model`,
`.related_model`, `_meta.related_objects`). The second half of this module scans for those
(`REACH_ALLOWED`); the lower app asks through a hook instead (core/hooks.py)."""

import ast
import tomllib
from collections.abc import Iterable
from pathlib import Path

from django.apps import apps

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


# --- reverse relations and relation introspection ---------------------------------------------

# (module under src/dangbo, what): why it may reach a model it may not import. Reverse
# relations from a lower app into an upper one: none (issue #26 moved the org tree's member
# counts and lists behind members' hooks).
REACH_ALLOWED = {
    ("admissions/services.py", ".related_model"): "committees.Term reached through "
    "AdmissionTermTarget.term (sideways; the string FK is listed in ALLOWED above)",
    ("admissions/forms.py", ".related_model"): "the term choices of the admission target "
    "form, through the same relation",
    ("imports/undo.py", "_meta.related_objects"): "rollback walks every relation pointing at "
    "the imported rows, whichever app declares it, to refuse undoing referenced records",
    ("imports/undo.py", ".related_model"): "the same walk",
    ("reports/catalogue.py", ".related_model"): "a measure's column lookup is followed "
    "through the module's own models to show choice labels",
}

INTROSPECTION = {"related_model", "related_objects"}
QUERY_CALLS = {
    "filter", "exclude", "get", "annotate", "aggregate", "values", "values_list", "order_by",
    "select_related", "prefetch_related", "only", "defer", "Count", "Sum", "Avg", "Min",
    "Max", "F", "Prefetch", "OuterRef",
}  # fmt: skip


def _relation_names(field) -> list[str]:
    """The reverse accessor and the lookup name of a forward relation field."""
    names = []
    accessor = field.remote_field.get_accessor_name()
    if accessor and not field.remote_field.hidden:
        names.append(accessor)
    query = field.related_query_name()
    if query and not query.endswith("+"):
        names.append(query)
    return names


def reverse_names(app: str, layers: dict, models: Iterable) -> dict[str, str]:
    """Attribute and lookup names by which `app` would reach, through the reverse side of a
    relation, a model of an app it may not import: {name: "upper_app.Model"}. Relations
    declared by such an app on a model of `app` or of a layer below it. A name that is also
    one of the app's own reverse relations, or a lower app's (`member.disciplines` beside an
    org's inspections `disciplines`), cannot be told apart in the source and is left out."""
    level, independent = layers[app]
    names: dict[str, str] = {}
    own: set[str] = set()
    for model in models:
        owner = model._meta.app_label
        if owner not in layers:
            continue
        above = layers[owner][0] < level
        sideways = layers[owner][0] == level and independent and owner != app
        for field in model._meta.get_fields(include_hidden=True):
            if not (field.is_relation and field.concrete and field.related_model):
                continue
            if not (above or sideways):
                own.update(_relation_names(field))
                continue
            target = field.related_model._meta.app_label
            if target != app and (target not in layers or layers[target][0] <= level):
                continue  # the reverse side lives on a model `app` does not hold
            for name in _relation_names(field):
                names[name] = f"{owner}.{model.__name__}"
    return {name: label for name, label in names.items() if name not in own}


def _lookup_hits(value: str, names: dict) -> list[str]:
    head = value.split("__")[0]
    return [head] if head in names else []


def reaches(source: str, names: dict) -> list[tuple[int, str]]:
    """(line, what) of every reach in `source`: an attribute or lookup named after a reverse
    relation in `names`, or relation introspection (`.field.model`, `.related_model`,
    `_meta.related_objects`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            if node.attr in names:
                found.append((node.lineno, f".{node.attr}"))
            elif node.attr == "model" and isinstance(node.value, ast.Attribute):
                if node.value.attr == "field":
                    found.append((node.lineno, ".field.model"))
            elif node.attr == "related_model":
                found.append((node.lineno, ".related_model"))
            elif node.attr == "related_objects":
                found.append((node.lineno, "_meta.related_objects"))
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called not in QUERY_CALLS:
                continue
            for keyword in node.keywords:
                for name in _lookup_hits(keyword.arg or "", names):
                    found.append((node.lineno, f"{name}__ lookup"))
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    for name in _lookup_hits(arg.value.lstrip("-"), names):
                        found.append((node.lineno, f"{name}__ lookup"))
    return sorted(set(found))


def _all_reaches() -> dict[tuple[str, str], list[int]]:
    layers = _layers()
    models = apps.get_models(include_auto_created=True)
    names_of: dict[str, dict] = {}
    found: dict[tuple[str, str], list[int]] = {}
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if "migrations" in relative.parts or len(relative.parts) < 2:
            continue
        app = relative.parts[0]
        if app not in layers or layers[app][0] == 0:
            continue  # outside the contract, or the top layer (may use everything)
        if app not in names_of:
            names_of[app] = reverse_names(app, layers, models)
        for line, what in reaches(path.read_text(encoding="utf-8"), names_of[app]):
            found.setdefault((relative.as_posix(), what), []).append(line)
    return found


def test_no_app_reaches_a_model_it_may_not_import():
    found = _all_reaches()
    unlisted = sorted(
        f"{path}: {what} line {', '.join(map(str, lines))}"
        for (path, what), lines in found.items()
        if (path, what) not in REACH_ALLOWED
    )
    assert unlisted == [], (
        "a model above (or beside) the app is reached through a relation: ask through a hook"
    )
    assert sorted(set(REACH_ALLOWED) - set(found)) == [], "allowed, but no longer reached"


BAD_TREE = """
def count(org):
    model = Organization.members.field.model
    late = org.members.model.objects.count()
    listed = org.members.filter(status="official")
    kept = Organization.objects.filter(members__status="official").annotate(n=Count("members"))
    fine = {"members": 1}["members"], org.periods.all(), self.model.objects.all()
    return Organization.member_summary.field.model, Term._meta.get_field("x").related_model
"""


def test_reaches_are_found_in_a_bad_snippet():
    layers = _layers()
    names = reverse_names("organizations", layers, apps.get_models())
    assert names["members"] == "members.Member"
    assert names["member_summary"] == "members.OrgMemberSummary"
    assert "periods" not in names  # organizations' own relation
    assert sorted({what for _, what in reaches(BAD_TREE, names)}) == [
        ".field.model",
        ".member_summary",
        ".members",
        ".related_model",
        "members__ lookup",
    ]
    assert [line for line, what in reaches(BAD_TREE, names) if what == ".members"] == [3, 4, 5]
    # an upper app may follow the same relations down: members reaches no reverse name here
    assert "members" not in reverse_names("members", layers, apps.get_models())
