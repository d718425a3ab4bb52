"""The reference data read in the page's language (django-modeltranslation): a commitment's
short title, a mechanism's names. The statement's own words (Paragraph.text, Commitment.text)
stay English, the authoritative text. The historical models are registered too, so that
the history keeps every language's wording."""

from modeltranslation.translator import TranslationOptions, register

from commitments.models import Commitment, Mechanism


class CommitmentTitle(TranslationOptions):
    fields = ("title",)


class MechanismNames(TranslationOptions):
    fields = ("name", "short_name")


def _register_with_history(model, options) -> None:
    register(model)(options)
    historical = model.history.model
    register(historical)(options)
    # django-simple-history lists the fields it copies when its model is made, before
    # modeltranslation adds a field per language; its bulk writes (load_reference) read that
    # list, so the language fields join it here.
    tracked = {field.name for field in historical.tracked_fields}
    historical.tracked_fields = [
        *historical.tracked_fields,
        *(field for field in model._meta.fields if field.name not in tracked),
    ]


_register_with_history(Commitment, CommitmentTitle)
_register_with_history(Mechanism, MechanismNames)
