"""RegistryTests: the full set of registry tests for a model from a few lines (after NetBox ViewTestCases).

    class TestPerson(RegistryTests):
        model = Person
        def make(self, region): return Person.objects.create(name="张三", region=region, phone="13800000000")
        def form_data(self, region): return {"name": "李四", "region": region.code, "phone": "13900000000"}
        def import_row(self, region): return {"姓名": "王五", "所属区划": region.code, "手机号码": "13700000000"}

Every test runs as `township_officer` against objects of its own township and of `other_township`
(owned by `other_township_officer`): what a user of one township can see, change, export and import
must never include the other's rows. Subclasses may override `writer` for county-level registries.
"""

import pytest
from django.urls import reverse

from anlan.core.kit import config_for
from anlan.core.models import AuditEntry
from anlan.core.roles import role_allows

from .helpers import count_queries, read_xlsx, xlsx_upload
from .personas import persona


@pytest.mark.django_db
class RegistryTests:
    model = None
    writer = "township_officer"
    api_basename: str | None = None  # router basename, when the model has an API

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.api_basename:  # no API: nothing to collect (a skip would read as "not run" under CI=true)
            cls.test_api_scope_and_writes = None

    # ---- hooks a subclass fills in
    def make(self, region):  # a saved object owned by `region`
        raise NotImplementedError

    def form_data(self, region) -> dict:  # POST data for the create form
        raise NotImplementedError

    def api_data(self, region) -> dict:  # JSON for the API create
        return self.form_data(region)

    def import_row(self, region) -> dict:  # {Chinese header: value} for one Excel row
        raise NotImplementedError

    def change(self) -> tuple[str, object]:  # a form field to change and its new value
        return "name", "已修改"

    # ---- helpers
    @property
    def config(self):
        return config_for(self.model)

    def url(self, action, pk=None):
        return self.config.reverse(action, pk)

    def login(self, client, name=None):
        user = persona(name or self.writer)
        client.force_login(user)
        return user

    def ours(self, tree):
        return tree.township if self.writer == "township_officer" else tree.county

    # ---- list, detail
    def test_list_shows_own_rows_and_hides_other_townships(self, client, tree):
        mine, theirs = self.make(tree.village), self.make(tree.other_village)
        self.login(client)
        response = client.get(self.url("list"))
        assert response.status_code == 200
        listed = set(response.context["page"].paginator.object_list.values_list("pk", flat=True))
        assert mine.pk in listed
        assert theirs.pk not in listed

    def test_detail_of_other_township_is_404(self, client, tree):
        mine, theirs = self.make(tree.village), self.make(tree.other_village)
        self.login(client)
        assert client.get(self.url("detail", mine.pk)).status_code == 200
        assert client.get(self.url("detail", theirs.pk)).status_code == 404
        assert client.get(self.url("edit", theirs.pk)).status_code == 404
        assert client.post(self.url("delete", theirs.pk)).status_code == 404
        assert self.model.objects.filter(pk=theirs.pk).exists()

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(self.url("list"))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]

    def test_viewer_may_not_add(self, client, tree):
        self.login(client, "viewer")
        assert client.get(self.url("add")).status_code == 403
        assert client.post(self.url("add"), self.form_data(tree.village)).status_code == 403

    # ---- create, edit, delete (audited)
    def test_create_through_form_is_saved_and_audited(self, client, tree):
        self.login(client)
        before = self.model.objects.count()
        response = client.post(self.url("add"), self.form_data(tree.village))
        assert response.status_code == 302, response.content.decode()[:2000]
        assert self.model.objects.count() == before + 1
        obj = self.model.objects.latest("pk")
        entry = AuditEntry.objects.filter(object_type=self._type(), object_id=str(obj.pk), action="create").get()
        assert entry.actor_name == self.writer

    def test_create_in_other_township_is_refused_with_message(self, client, tree):
        """A township officer cannot create a record in another township: refused by scope (400 with the
        message) where townships write this registry, by role (403) where only the county does."""
        self.login(client, "township_officer")
        before = self.model.objects.count()
        response = client.post(self.url("add"), self.form_data(tree.other_village))
        if role_allows(persona("township_officer"), "add", self.model):
            assert response.status_code == 400
            assert "不在您的管辖范围内" in response.content.decode()
        else:
            assert response.status_code == 403
        assert self.model.objects.count() == before

    def test_edit_records_before_and_after(self, client, tree):
        obj = self.make(tree.village)
        self.login(client)
        data = self.form_data(tree.village)
        field, value = self.change()
        data[field] = value
        response = client.post(self.url("edit", obj.pk), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        obj.refresh_from_db()
        assert str(getattr(obj, field)) == str(value)
        entry = AuditEntry.objects.filter(object_type=self._type(), object_id=str(obj.pk), action="update").get()
        assert entry.after[field] == value

    def test_delete_is_audited(self, client, tree):
        obj = self.make(tree.village)
        self.login(client)
        response = client.post(self.url("delete", obj.pk))
        assert response.status_code == 302
        assert not self.model.objects.filter(pk=obj.pk).exists()
        assert AuditEntry.objects.filter(object_type=self._type(), object_id=str(obj.pk), action="delete").exists()

    # ---- Excel
    def test_export_contains_only_rows_in_scope(self, client, tree):
        mine, theirs = self.make(tree.village), self.make(tree.other_village)
        self.login(client)
        response = client.get(self.url("list"), {"export": "xlsx"})
        assert response.status_code == 200
        ids = {row[0] for row in read_xlsx(response.content)[1:]}
        assert mine.pk in ids
        assert theirs.pk not in ids

    def test_template_headers_match_import_columns(self, client):
        self.login(client)
        rows = read_xlsx(client.get(self.url("template")).content)
        expected = ["ID", *[str(self.config.field(n).verbose_name) for n in self.config.columns_for_import()]]
        assert rows[0] == expected

    def test_import_creates_rows_and_audits_them(self, client, tree):
        self.login(client)
        row = self.import_row(tree.village)
        before = self.model.objects.count()
        response = client.post(self.url("import"), {"file": xlsx_upload([list(row), list(row.values())])})
        assert response.status_code == 302, _errors(response)
        assert self.model.objects.count() == before + 1
        assert AuditEntry.objects.filter(object_type=self._type(), action="import_create").exists()

    def test_import_with_one_bad_row_writes_nothing_and_names_the_row(self, client, tree):
        self.login(client)
        good, bad = self.import_row(tree.village), self.import_row(tree.village)
        region_header = str(self.config.field("region").verbose_name)
        bad[region_header] = "999999999999"
        before = self.model.objects.count()
        response = client.post(
            self.url("import"), {"file": xlsx_upload([list(good), list(good.values()), list(bad.values())])}
        )
        assert response.status_code == 400
        errors = response.context["result"].errors
        assert [(e.row, e.column) for e in errors] == [(3, region_header)]
        assert "999999999999" in errors[0].message
        assert self.model.objects.count() == before

    def test_import_round_trip_updates_by_id(self, client, tree):
        obj = self.make(tree.village)
        self.login(client)
        rows = read_xlsx(client.get(self.url("list"), {"export": "xlsx"}).content)
        header = rows[0]
        field, value = self.change()
        column = header.index(str(self.config.field(field).verbose_name))
        target = next(r for r in rows[1:] if r[0] == obj.pk)
        target[column] = value
        before = self.model.objects.count()
        response = client.post(self.url("import"), {"file": xlsx_upload([header, target])})
        assert response.status_code == 302, _errors(response)
        obj.refresh_from_db()
        assert str(getattr(obj, field)) == str(value)
        assert self.model.objects.count() == before

    def test_broken_file_is_rejected_in_chinese(self, client):
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.login(client)
        for upload, words in (
            (SimpleUploadedFile("a.xlsx", b"PK\x03\x04 not really a zip"), "无法读取"),
            (SimpleUploadedFile("a.csv", b"name\n"), ".xlsx"),
        ):
            response = client.post(self.url("import"), {"file": upload})
            assert response.status_code == 400
            assert words in response.content.decode()

    # ---- API
    def api_list_url(self):
        return reverse(f"{self.api_basename}-list")

    def api_detail_url(self, pk):
        return reverse(f"{self.api_basename}-detail", kwargs={"pk": pk})

    def test_api_scope_and_writes(self, client, tree):
        mine, theirs = self.make(tree.village), self.make(tree.other_village)
        self.login(client)
        listed = client.get(self.api_list_url(), {"page_size": 1000}).json()
        ids = {item["id"] for item in listed["results"]}
        assert mine.pk in ids and theirs.pk not in ids
        assert client.get(self.api_detail_url(theirs.pk)).status_code == 404
        created = client.post(self.api_list_url(), self.api_data(tree.village), content_type="application/json")
        assert created.status_code == 201, created.content
        field, value = self.change()
        patched = client.patch(self.api_detail_url(mine.pk), {field: value}, content_type="application/json")
        assert patched.status_code == 200, patched.content
        refused = client.post(self.api_list_url(), self.api_data(tree.other_village), content_type="application/json")
        if self.writer == "township_officer":
            assert refused.status_code == 400
        assert client.delete(self.api_detail_url(mine.pk)).status_code == 204

    def test_list_page_query_count_does_not_grow_with_rows(self, client, tree):
        for _ in range(3):
            self.make(tree.village)
        self.login(client)
        with count_queries() as small:
            client.get(self.url("list"))
        for _ in range(20):
            self.make(tree.village)
        with count_queries() as large:
            client.get(self.url("list"))
        assert len(large) == len(small)

    def _type(self):
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}"


def _errors(response) -> str:
    result = getattr(response, "context", None) and response.context.get("result")
    return str(result.errors if result else response.content[:500])
