"""Test data factories: one per model, producing valid, published-by-default stories."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, Byline, Section, Source
from authors.models import Author
from media_library.models import Image


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"Agency {n}")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"author-{n}")
    role = "Reporter"
    bio = factory.LazyAttribute(lambda author: f"{author.name} writes about the world.")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published story with one author, unless told otherwise."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Story number {n}")
    standfirst = "What happened, in one sentence."
    body = "First paragraph.\n\n## A subheading\n\nSecond paragraph."
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)
        scheduled = factory.Trait(published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1)))

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if not create:
            return
        for position, author in enumerate(extracted if extracted is not None else [AuthorFactory()]):
            Byline.objects.create(article=self, author=author, position=position)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if create and extracted:
            self.sources.set(extracted)


class ImageFactory(factory.django.DjangoModelFactory):
    """A picture in the media library: a small red JPEG with its alt text and credit."""

    class Meta:
        model = Image
        skip_postgeneration_save = True

    file = factory.LazyFunction(lambda: image_file())
    alt_text = factory.Sequence(lambda n: f"A red square, number {n}")
    caption = "A red square."
    credit = "Staff photographer"

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


def image_file(name: str = "photo.jpg", *, size: tuple[int, int] = (64, 48), image_format: str = "JPEG"):
    """A real, decodable image upload made with Pillow."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, (160, 40, 40)).save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def staff_user(username: str, role: str | None, *, author_name: str | None = None, superuser: bool = False):
    """A newsroom account in the Journalist or Editor group (created by a migration), with its byline.

    Those the two-factor policy requires it of (editors, superusers) have an authenticator app, as they
    would after their first sign-in (``tests.helpers.two_factor.current_code`` gives its code).
    """
    from django.contrib.auth.models import Group

    from accounts.two_factor import two_factor_required
    from tests.helpers.two_factor import enrol

    user = UserFactory(username=username, is_staff=True, is_superuser=superuser)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if author_name:
        AuthorFactory(name=author_name, slug=username, user=user)
    if two_factor_required(user):
        enrol(user)
    return user


def camera_photo(
    name: str = "IMG_0001.JPG", *, size: tuple[int, int] = (1200, 800), orientation: int = 6, profile: str = "sRGB"
):
    """A JPEG as a phone would save it: sideways pixels with an EXIF orientation, GPS, XMP, a comment, ICC.

    ``profile`` names the ICC profile, as ``ImageCms.createProfile`` knows them: "sRGB" (browsers'
    own), or another ("LAB") for a picture whose colours must be converted.

    The stored pixels are red on their left half and blue on their right, so once
    orientation 6 (turn a quarter clockwise) is applied, red is on top.
    """
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import ExifTags, Image, ImageCms, ImageDraw

    image = Image.new("RGB", size, (200, 30, 30))
    ImageDraw.Draw(image).rectangle((size[0] // 2, 0, size[0], size[1]), fill=(30, 30, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Pocket 12"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (50.0, 27.0, 1.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (30.0, 31.0, 24.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile(profile)).tobytes()
    buffer = BytesIO()
    image.save(
        buffer, "JPEG", quality=90, exif=exif, icc_profile=icc, comment=b"Source: Jane at 12 Secret Lane",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>',
    )  # fmt: skip
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def transparent_png(name: str = "logo.png", *, size: tuple[int, int] = (400, 200)):
    """A palette PNG whose left half is fully transparent and right half green."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("P", size, 0)
    image.putpalette([0, 0, 0, 0, 160, 60] + [0, 0, 0] * 254)
    ImageDraw.Draw(image).rectangle((size[0] // 2, 0, size[0], size[1]), fill=1)
    buffer = BytesIO()
    image.save(buffer, "PNG", transparency=0)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def animated_gif(name: str = "loop.gif", *, size: tuple[int, int] = (300, 200)):
    """Three frames: red, then green, then blue."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    frames = [Image.new("RGB", size, colour) for colour in ((220, 0, 0), (0, 220, 0), (0, 0, 220))]
    buffer = BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/gif")
