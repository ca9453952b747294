"""What an ``OPTIONS`` request answers."""

from rest_framework.metadata import SimpleMetadata


class ApiMetadata(SimpleMetadata):
    """DRF's description of a view, with `actions` only where the view names its serializer.

    Many views here validate their input with a serializer of their own and leave
    `serializer_class` unset; DRF's default would then fail an assertion (a 500) for
    anyone allowed to POST there.
    """

    def determine_actions(self, request, view):
        if not _names_serializer(view):
            return {}
        return super().determine_actions(request, view)


def _names_serializer(view) -> bool:
    # Imported here: DRF reads this module's class while it defines `APIView` itself.
    from rest_framework.generics import GenericAPIView

    if getattr(view, "serializer_class", None) is not None:
        return True
    chooser = getattr(type(view), "get_serializer_class", None)
    return chooser is not None and chooser is not GenericAPIView.get_serializer_class
