"""`exactjson`: Django's JSON serialization, but with times to the microsecond.

DjangoJSONEncoder cuts datetimes and times to milliseconds, so a backup written with it
restores history moments that differ from the originals. Registered in settings as a
serialization module, so dumpdata and loaddata use it by name (`--format exactjson`).
"""

import datetime

from django.core.serializers.json import (
    Deserializer,  # noqa: F401 - the module's interface
    DjangoJSONEncoder,
)
from django.core.serializers.json import Serializer as JSONSerializer


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactEncoder
