"""Named personas (after Zulip's iago/hamlet): one user per role, placed in the demo tree.

township_officer and other_township_officer sit in two different townships, which is what every
scope test compares.
"""

from dataclasses import dataclass

from django_otp.plugins.otp_totp.models import TOTPDevice

from anlan.accounts.models import User
from anlan.core.roles import Role
from anlan.geo.models import Region, RegionLevel
from anlan.registry.models import Department, Enterprise

PASSWORD = "Test-Pass-2026"


@dataclass
class Tree:
    county: Region
    township: Region  # "ours"
    other_township: Region
    village: Region  # a village of `township`
    other_village: Region  # a village of `other_township`


def demo_tree(county_code: str = "500237000000") -> Tree:
    townships = list(Region.objects.filter(parent_id=county_code, level=RegionLevel.TOWNSHIP).order_by("code")[:2])
    village = Region.objects.filter(parent=townships[0]).order_by("code").first()
    other_village = Region.objects.filter(parent=townships[1]).order_by("code").first()
    return Tree(Region.objects.get(code=county_code), townships[0], townships[1], village, other_village)


def create_personas(tree: Tree) -> dict[str, User]:
    water = Department.objects.get(code=f"{tree.county.code[:6]}-SL")
    enterprise = Enterprise.objects.filter(region=tree.township).order_by("pk").first()
    specs = {
        "county_admin": (Role.COUNTY_ADMIN, tree.county, None, None),
        "county_operator": (Role.COUNTY_OPERATOR, tree.county, None, None),
        "department_operator": (Role.DEPARTMENT_OPERATOR, tree.county, water, None),
        "township_officer": (Role.TOWNSHIP_OPERATOR, tree.township, None, None),
        "other_township_officer": (Role.TOWNSHIP_OPERATOR, tree.other_township, None, None),
        "village_grid_worker": (Role.VILLAGE_WORKER, tree.village, None, None),
        "enterprise_user": (Role.ENTERPRISE_USER, enterprise.region, None, enterprise),
        "team_leader": (Role.TEAM_LEADER, tree.county, None, None),
        "viewer": (Role.VIEWER, tree.county, None, None),
    }
    users = {}
    for name, (role, region, department, ent) in specs.items():
        # Known test passwords are kept on purpose, as `create-user --keep-password` keeps them.
        user = User(
            username=name, role=role, region=region, department=department, enterprise=ent, must_change_password=False
        )
        user.set_password(PASSWORD)
        user.save()
        users[name] = user
    # County administrators must log in with a second factor: the persona has an authenticator.
    TOTPDevice.objects.create(user=users["county_admin"], name="验证器", confirmed=True)
    return users


def otp_code(username: str) -> str:
    """The code the persona's authenticator shows now (a real TOTP from the device's key)."""
    from anlan.accounts.twofactor import confirmed_device, current_code

    return current_code(confirmed_device(User.objects.get(username=username)))


def persona(name: str) -> User:
    return User.objects.get(username=name)
