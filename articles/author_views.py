"""Author pages: the staff list and each author's profile with their stories."""

from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from authors.models import Author

from .models import Article
from .structured_data import profile_page
from .views import NumberedPages, StoryListView


class AuthorListView(NumberedPages, ListView):
    """The staff list, in pages like every other list: a page past the last answers 404."""

    template_name = "authors/author_list.html"
    context_object_name = "authors"
    paginate_by = 60

    def get_queryset(self):
        return Author.objects.on_staff_list().with_photos()


class AuthorDetailView(StoryListView):
    template_name = "authors/author_detail.html"
    load_directly = True  # by_author() bounds the list by the author's story ids

    def stories(self):
        self.author = get_object_or_404(Author.objects.with_photos(), slug=self.kwargs["slug"])
        return Article.objects.published().by_author(self.author, remembered=True)

    def count_key(self) -> str:
        return f"author:{self.author.pk}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            author=self.author, structured_data=profile_page(self.author, self.request), **kwargs
        )
