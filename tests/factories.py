"""factory_boy factories for the organisation tree and users."""

import factory

from accounts.models import Beat, Department, Headquarters, Post, Station, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["employee_number"]
        skip_postgeneration_save = True

    employee_number = factory.Sequence(lambda n: f"{900000 + n}")
    full_name = factory.Sequence(lambda n: f"警察 太郎{n}")
    full_name_kana = "ケイサツ タロウ"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class HeadquartersFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Headquarters
        django_get_or_create = ["name"]

    name = "テスト県警察本部"


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Station

    headquarters = factory.SubFactory(HeadquartersFactory)
    code = factory.Sequence(lambda n: f"S{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}警察署")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    station = factory.SubFactory(StationFactory)
    kind = Department.Kind.COMMUNITY
    name = "地域課"


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    station = factory.SubFactory(StationFactory)
    kind = Post.Kind.KOBAN
    name = factory.Sequence(lambda n: f"第{n}交番")


class BeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beat

    post = factory.SubFactory(PostFactory)
    name = factory.Sequence(lambda n: f"第{n}受持区")
