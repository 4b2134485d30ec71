import pytest

from anlan.resources.models import Equipment, Expert, RescueTeam, Shelter, Specialty
from anlan.testing.personas import persona
from anlan.testing.registry import RegistryTests


def _point(region):
    return region.center_lon, region.center_lat


class TestRescueTeamRegistry(RegistryTests):
    model = RescueTeam
    api_basename = "rescueteam"

    def make(self, region):
        lon, lat = _point(region)
        return RescueTeam.objects.create(
            name="测试救援队",
            kind="village",
            region=region,
            headcount=12,
            lon=lon,
            lat=lat,
            leader="张队长",
            leader_phone="13800001111",
        )

    def form_data(self, region):
        lon, lat = _point(region)
        flood = Specialty.objects.get(code="flood").pk
        return {
            "name": "村应急队",
            "kind": "village",
            "region": region.code,
            "headcount": 10,
            "readiness": "ready",
            "lon": lon,
            "lat": lat,
            "leader": "李四",
            "leader_phone": "13900002222",
            "specialties": [flood],
        }

    def api_data(self, region):
        return {**self.form_data(region), "specialties": ["flood"]}

    def import_row(self, region):
        lon, lat = _point(region)
        return {
            "队伍名称": "导入救援队",
            "队伍类别": "村（社区）应急救援队",
            "所属区划": region.code,
            "人数": 8,
            "战备状态": "随时待命",
            "驻地经度": lon,
            "驻地纬度": lat,
            "负责人": "王五",
            "负责人电话": "13700003333",
            "专业": "防汛抢险；地质灾害救援",
        }


class TestExpertRegistry(RegistryTests):
    model = Expert
    api_basename = "expert"

    def make(self, region):
        expert = Expert.objects.create(name="赵专家", region=region, organisation="县气象局", phone="13800004444")
        expert.specialties.add(Specialty.objects.get(code="meteorology"))
        return expert

    def form_data(self, region):
        return {
            "name": "钱专家",
            "region": region.code,
            "organisation": "县水利局",
            "phone": "13900005555",
            "availability": "available",
            "specialties": [Specialty.objects.get(code="hydrology").pk],
        }

    def api_data(self, region):
        return {**self.form_data(region), "specialties": ["hydrology"]}

    def import_row(self, region):
        return {
            "姓名": "孙专家",
            "所属区划": region.code,
            "专业领域": "地质",
            "工作单位": "县规划和自然资源局",
            "联系电话": "13700006666",
            "可用状态": "可调用",
        }


class TestEquipmentRegistry(RegistryTests):
    model = Equipment
    api_basename = "equipment"

    def make(self, region):
        lon, lat = _point(region)
        return Equipment.objects.create(name="冲锋舟", kind="boat", region=region, owner="乡应急办", lon=lon, lat=lat)

    def form_data(self, region):
        lon, lat = _point(region)
        return {
            "name": "发电机",
            "kind": "generator",
            "quantity": 2,
            "region": region.code,
            "owner": "乡应急办",
            "status": "available",
            "lon": lon,
            "lat": lat,
        }

    def import_row(self, region):
        lon, lat = _point(region)
        return {
            "装备名称": "排涝泵",
            "装备类别": "排涝泵车",
            "数量": 1,
            "所属区划": region.code,
            "产权单位": "乡应急办",
            "状态": "完好可用",
            "存放经度": lon,
            "存放纬度": lat,
        }


class TestShelterRegistry(RegistryTests):
    model = Shelter
    api_basename = "shelter"

    def make(self, region):
        lon, lat = _point(region)
        return Shelter.objects.create(
            name="村小学操场",
            region=region,
            level="village",
            period="emergency",
            site_class="III",
            effective_area_m2=3000,
            address="村小学",
            lon=lon,
            lat=lat,
            manager="周校长",
            manager_phone="13800007777",
        )

    def form_data(self, region):
        lon, lat = _point(region)
        return {
            "name": "文化广场",
            "region": region.code,
            "level": "village",
            "period": "emergency",
            "site_class": "III",
            "effective_area_m2": 4500,
            "area_per_person_m2": 1.5,
            "address": "村委会旁",
            "lon": lon,
            "lat": lat,
            "has_water": "on",
            "manager": "吴主任",
            "manager_phone": "13900008888",
            "status": "ready",
        }

    def api_data(self, region):
        data = self.form_data(region)
        data["has_water"] = True
        return data

    def import_row(self, region):
        lon, lat = _point(region)
        return {
            "场所名称": "导入广场",
            "所属区划": region.code,
            "级别": "村（社区）级",
            "类型": "紧急避难场所",
            "场址类别": "Ⅲ类（10天以内）",
            "有效避难面积（㎡）": 2400,
            "人均有效面积（㎡/人）": 1.5,
            "地址": "村口",
            "经度": lon,
            "纬度": lat,
            "管理人": "郑主任",
            "管理人电话": "13700009999",
        }


@pytest.mark.django_db
def test_demo_forces_follow_the_seed_figures(tree):
    teams = RescueTeam.objects.filter(region__code__startswith="500237")
    assert teams.get(kind="county").headcount == 30
    regional = teams.filter(kind="regional")
    assert regional.count() == 9 and {t.headcount for t in regional} == {15}
    assert teams.filter(kind="militia").count() == 1
    assert teams.filter(kind="micro_station").count() == 134
    shelters = Shelter.objects.all()
    assert shelters.count() == 8 and sum(s.capacity for s in shelters) == 26_000


@pytest.mark.django_db
def test_team_layer_is_scoped_and_labelled(client, tree):
    client.force_login(persona("township_officer"))
    features = client.get("/api/v1/map/layers/rescue_teams/").json()["features"]
    assert features and all(f["properties"]["region"].startswith(tree.township.code[:9]) for f in features)
    assert all(f["geometry"]["type"] == "Point" for f in features)
    kinds = {f["properties"]["kind"] for f in features}
    assert kinds <= set(RescueTeam.Kind.labels)
    layers = {layer["key"]: layer for layer in client.get("/api/v1/map/layers/").json()["results"]}
    assert layers["shelters"]["labels"]["capacity"] == "容量（人）"
