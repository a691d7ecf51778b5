"""Data protection by design: DPIAs, the organisations that handle the school's data and
their agreements, the retention schedule, the destruction log, and Schoolkeep's own erasure
of what it holds past the schedule's periods.

What names or describes a person is encrypted at rest (``EncryptedTextField``) and audited
only as "changed". A record "recorded before Schoolkeep tracked it" (``legacy``) was made by
the migration from the register's old fields, so that nothing they held is lost.
"""

# Each part keeps its models in its own module; Django finds them all through this one.
from schoolkeep.privacy.destruction.models import (  # noqa: F401
    Destruction,
    DestructionMethod,
    DestructionSource,
)
from schoolkeep.privacy.dpias.models import (  # noqa: F401
    Dpia,
    DpiaRisk,
    DpiaState,
)
from schoolkeep.privacy.erasure.models import (  # noqa: F401
    ErasureHold,
    HoldReason,
    Tombstone,
)
from schoolkeep.privacy.schedule.models import (  # noqa: F401
    AssetRecordType,
    LegacyRetentionText,
    RecordType,
    RetentionAction,
    RetentionEvent,
)
from schoolkeep.privacy.suppliers.models import (  # noqa: F401
    DataLocation,
    Processor,
    ProcessorRole,
    TransferMechanism,
)
