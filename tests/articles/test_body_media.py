"""Pictures, galleries and embeds in a story body: the Markdown forms, the reader HTML they become,
which addresses become embeds (and which never do), and the record of the pictures a body uses."""

import datetime
import re

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.body_media import picture_ids, picture_warnings, render_body
from articles.embeds import find_embed
from articles.models import BodyPicture
from articles.rendering import render_markdown
from tests.factories import ArticleFactory, ImageFactory

pytestmark = pytest.mark.django_db


def rendered(source: str):
    return render_body(render_markdown(source))


# --- Figures ---------------------------------------------------------------------------------------


def test_a_paragraph_holding_only_a_library_picture_becomes_a_figure_with_caption_and_credit():
    image = ImageFactory(alt_text="Boats in the harbour", caption="The fleet leaves.", credit="Jane Roe / Reuters")

    body = rendered(f"Before.\n\n![](image:{image.pk})\n\nAfter.")

    html = str(body.html)
    assert '<figure class="body-figure"><picture>' in html
    assert 'alt="Boats in the harbour"' in html and 'loading="lazy"' in html
    assert re.search(r'<img [^>]*width="\d+" height="\d+"', html)
    assert '<figcaption>The fleet leaves. <span class="credit">Jane Roe / Reuters</span></figcaption>' in html
    assert body.pictures == [image]
    assert html.index("Before.") < html.index("<figure") < html.index("After.")


def test_the_brackets_override_the_alt_text_and_the_title_the_caption():
    image = ImageFactory(alt_text="Library alt", caption="Library caption", credit="Staff")

    html = str(rendered(f'![Writer alt](image:{image.pk} "Writer caption")').html)

    assert 'alt="Writer alt"' in html and "Library alt" not in html
    assert "Writer caption" in html and "Library caption" not in html
    assert '<span class="credit">Staff</span>' in html


def test_a_picture_inside_a_sentence_is_not_a_figure_and_leaves_no_broken_image():
    image = ImageFactory(alt_text="Library alt")

    html = str(rendered(f"See ![the boats](image:{image.pk}) here.").html)

    assert "<figure" not in html and "<img" not in html and "See the boats here." in html


def test_a_deleted_picture_renders_nothing(world):
    image = ImageFactory()
    pk = image.pk
    stored = render_markdown(f"Before.\n\n![](image:{pk})\n\nAfter.")
    image.delete()  # not used by any story yet: allowed

    body = render_body(stored)

    assert "<figure" not in str(body.html) and "<picture" not in str(body.html)
    assert body.pictures == [] and body.hidden_ids == [pk]
    assert "not in the library" in picture_warnings(stored)[0]


def test_a_picture_whose_licence_ran_out_renders_nothing_from_the_day_after():
    today = timezone.localdate()
    image = ImageFactory(licence="licensed", licence_expires=today)
    stored = render_markdown(f"![](image:{image.pk})")

    assert "<figure" in str(render_body(stored, on=today).html)  # its last day: still shown
    after = render_body(stored, on=today + datetime.timedelta(days=1))
    assert "<figure" not in str(after.html) and after.hidden_ids == [image.pk]
    assert "ran out" in picture_warnings(stored, on=today + datetime.timedelta(days=1))[0]


def test_a_library_field_change_shows_without_saving_the_story_again(world):
    image = ImageFactory(caption="Old caption")
    story = ArticleFactory(section=world, body=f"![](image:{image.pk})")
    image.caption = "New caption"
    image.save()

    story.refresh_from_db()
    assert "New caption" in str(story.body_media.html)


# --- Galleries -------------------------------------------------------------------------------------


def test_a_gallery_block_becomes_a_list_of_figures_all_visible_without_script():
    first, second, third = ImageFactory.create_batch(3)
    source = (
        f"Intro.\n\n::: gallery\n![](image:{first.pk})\n"
        f'![Own alt](image:{second.pk} "Second caption")\n\n![](image:{third.pk})\n:::\n\nAfter.'
    )

    body = rendered(source)

    html = str(body.html)
    gallery = re.search(r'<div class="gallery" role="group" aria-label="Gallery of 3 pictures">.*?</div>', html, re.S)
    assert gallery is not None
    assert gallery[0].count("<li><figure") == 3 and "Second caption" in gallery[0] and 'alt="Own alt"' in gallery[0]
    assert "<script" not in html and "hidden" not in gallery[0]
    assert body.pictures == [first, second, third]
    assert html.index("Intro.") < html.index("gallery") < html.index("After.")


def test_a_gallery_leaves_out_what_is_not_a_picture_and_hides_expired_ones():
    shown = ImageFactory()
    expired = ImageFactory(licence_expires=timezone.localdate() - datetime.timedelta(days=1))

    html = str(rendered(f"::: gallery\n![](image:{shown.pk})\nsome words\n![](image:{expired.pk})\n:::").html)

    assert html.count("<figure") == 1 and "some words" not in html
    assert 'aria-label="Gallery of 1 picture"' in html


def test_a_gallery_of_only_missing_pictures_renders_nothing():
    assert str(rendered("::: gallery\n![](image:999999)\n:::").html).strip() == ""


def test_a_gallery_that_is_never_closed_takes_the_rest_of_the_body():
    image = ImageFactory()
    html = str(rendered(f"::: gallery\n![](image:{image.pk})\n\nNot closed").html)
    assert html.count("<figure") == 1


# --- Embeds ----------------------------------------------------------------------------------------

EMBEDS = [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "YouTube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://youtu.be/dQw4w9WgXcQ?t=10", "YouTube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "YouTube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://vimeo.com/76979871", "Vimeo", "https://player.vimeo.com/video/76979871?dnt=1"),
    ("https://x.com/nasa/status/1234567890", "X", "https://platform.twitter.com/embed/Tweet.html?id=1234567890&dnt=true"),
    ("https://twitter.com/nasa/status/1234567890", "X", "https://platform.twitter.com/embed/Tweet.html?id=1234567890&dnt=true"),
    ("https://www.instagram.com/p/CxYz_12-ab/", "Instagram", "https://www.instagram.com/p/CxYz_12-ab/embed/"),
    ("https://www.facebook.com/nasa/posts/12345", "Facebook",
     "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2Fnasa%2Fposts%2F12345"),
    ("https://www.tiktok.com/@someone/video/7212345678901234567", "TikTok", "https://www.tiktok.com/embed/v2/7212345678901234567"),
    ("https://t.me/durov/123", "Telegram", "https://t.me/durov/123?embed=1"),
    ("https://mastodon.social/@Gargron/111111111111111111", "Mastodon",
     "https://mastodon.social/@Gargron/111111111111111111/embed"),
    ("https://soundcloud.com/artist/track-name", "SoundCloud",
     "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fartist%2Ftrack-name"),
    ("https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk", "Spotify", "https://open.spotify.com/embed/episode/4rOoJ6Egrf8K2IrywzwOMk"),
    ("https://datawrapper.dwcdn.net/AbC12/3/", "Datawrapper", "https://datawrapper.dwcdn.net/AbC12/"),
    ("https://public.flourish.studio/visualisation/123456/", "Flourish", "https://flo.uri.sh/visualisation/123456/embed"),
]  # fmt: skip


@pytest.mark.parametrize(("url", "provider", "frame"), EMBEDS, ids=[e[1] + str(i) for i, e in enumerate(EMBEDS)])
def test_every_listed_provider_becomes_an_embed(url, provider, frame):
    embed = find_embed(url)
    assert embed is not None and embed.provider.name == provider and embed.frame_url == frame


def test_an_embed_block_loads_nothing_and_links_to_the_original():
    body = rendered("Intro.\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ&t=3\n\nAfter.")

    html = str(body.html)
    assert [embed.provider.name for embed in body.embeds] == ["YouTube"] and body.frame_hosts == [
        "www.youtube-nocookie.com"
    ]
    # The frame's address is data for the script; no iframe, img or script asks the provider for anything.
    assert "<iframe" not in html and "<script" not in html and "<img" not in html
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert "Load content from YouTube — this sets cookies" in html
    assert '<button type="button" class="embed__load" hidden>' in html  # shown by the script only
    assert '<a class="embed__link" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=3"' in html
    assert "<strong>YouTube</strong>" in html


def test_an_embed_shows_the_title_when_the_address_tells_it():
    html = str(rendered("https://x.com/nasa/status/1234567890").html)
    assert "<strong>X</strong>: Post by @nasa" in html and 'data-embed-title="Post by @nasa"' in html


def test_an_address_with_underscores_or_in_angle_brackets_is_still_one_embed():
    assert len(rendered("<https://www.youtube.com/watch?v=a_b_c_d_e_f>").embeds) == 1
    assert rendered("<https://www.youtube.com/watch?v=a_b_c_d_e_f>").embeds[0].parts["id"] == "a_b_c_d_e_f"


def test_an_unknown_provider_stays_a_plain_link():
    body = rendered("https://example.org/some/page")
    assert body.embeds == []
    assert str(body.html).strip() == (
        '<p><a href="https://example.org/some/page" rel="noopener noreferrer">https://example.org/some/page</a></p>'
    )


def test_an_address_inside_a_sentence_is_left_alone():
    body = rendered("Watch https://www.youtube.com/watch?v=dQw4w9WgXcQ now.")
    assert body.embeds == [] and "embed" not in str(body.html)


HOSTILE_URLS = [
    "javascript:alert(1)//https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "data:text/html,<script>alert(1)</script>",
    "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
    "https://evilyoutube.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com@evil.example/watch?v=dQw4w9WgXcQ",
    "https://user:pass@www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://evil.example\\@www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://evil.example#@www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com./watch?v=dQw4w9WgXcQ",
    'https://www.youtube.com/watch?v=dQw4w9WgXc"><script>alert(1)</script>',
    "https://www.youtube.com/watch?v=%22onerror%3Dalert(1)",
    'https://t.me/durov/1?embed=1"onload="alert(1)',
    "https://mastodon.social/@x/1/../../evil",
    "https://evil.example/@Gargron/111111111111111111",
    "ftp://www.youtube.com/watch?v=dQw4w9WgXcQ",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_hostile_addresses_never_become_embeds(url):
    assert find_embed(url) is None
    body = rendered(url)
    html = str(body.html)
    assert body.embeds == [] and "data-embed-src" not in html and "embed__load" not in html
    assert "<script" not in html and "javascript:" not in html.replace("javascript:alert(1)//https", "")
    assert not re.search(r"<[a-z]+[^>]* on[a-z]+=", html)


def test_a_forged_embed_marker_in_raw_html_is_checked_like_a_written_address():
    html = str(rendered('<p data-embed="javascript:alert(1)">click</p>').html)
    assert 'href="javascript' not in html and "data-embed" not in html and "click" in html


def test_the_provider_list_is_a_setting(settings):
    settings.EMBED_PROVIDERS = {k: v for k, v in settings.EMBED_PROVIDERS.items() if k != "youtube"}
    body = rendered("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    assert body.embeds == [] and '<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in str(body.html)


# --- What imported HTML may not do -----------------------------------------------------------------


def test_imported_html_keeps_no_markers():
    from articles.rendering import sanitize_html

    cleaned = sanitize_html('<figure data-picture="1"></figure><p data-embed="https://youtu.be/x">x</p>')
    assert "data-picture" not in cleaned and "data-embed" not in cleaned


# --- The record of pictures a body uses -------------------------------------------------------------


def test_saving_a_story_records_the_pictures_its_body_uses(world):
    first, second = ImageFactory.create_batch(2)
    story = ArticleFactory(section=world, body=f"![](image:{first.pk})\n\n::: gallery\n![](image:{second.pk})\n:::")

    assert set(story.body_pictures.values_list("image_id", flat=True)) == {first.pk, second.pk}

    story.body = f"![](image:{second.pk})\n\n![](image:999999)"
    story.save()
    assert list(story.body_pictures.values_list("image_id", flat=True)) == [second.pk]

    story.body = "No pictures."
    story.save()
    assert not BodyPicture.objects.filter(article=story).exists()


def test_a_picture_used_in_a_body_cannot_be_deleted(world):
    image = ImageFactory()
    ArticleFactory(section=world, body=f"![](image:{image.pk})")

    with pytest.raises(ProtectedError):
        image.delete()


def test_saving_a_story_whose_pictures_did_not_change_costs_no_query_for_them(world):
    image = ImageFactory()
    story = ArticleFactory(section=world, body=f"![](image:{image.pk})")
    story.refresh_from_db()
    story.title = "New title"
    with CaptureQueriesContext(connection) as queries:
        story.save(update_fields=["title"])
    assert not [q for q in queries if "bodypicture" in q["sql"] or "media_library" in q["sql"]]


def test_picture_ids_read_the_stored_markers_in_order_once_each():
    stored = render_markdown("![](image:3)\n\n::: gallery\n![](image:1)\n![](image:3)\n:::\n\n`![](image:7)`")
    assert picture_ids(stored) == [3, 1]
