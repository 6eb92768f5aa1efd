"""The receivers that write audit events: the signal every app sends (cooperation.audit), and
the model signals of users' roles and permissions and of employees' answers, whichever code path
(the admin, add_user, a shell) makes the change."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from cooperation.audit import audit_event
from cooperation.models import CorporateCustomer
from portal.audit.context import current_actor, current_client_address, current_detail
from portal.audit.models import AuditAction
from portal.audit.services import audit_event_store
from surveys.models import Response

User = get_user_model()

#: A user's tie to customers' data, and their powers in the portal and the admin.
ROLE_FIELDS = ("role", "customer_id")
PERMISSION_FIELDS = ("is_active", "is_staff", "is_superuser")
#: Every stored column of an answer: a change to any is recorded by name, never its values.
ANSWER_FIELDS = tuple(field.attname for field in Response._meta.concrete_fields if not field.primary_key)


def _store(*, action, actor=None, customer=None, link_customer=True, target="", detail=None) -> None:
    audit_event_store(
        actor=actor or current_actor(),
        action=action,
        customer=customer,
        link_customer=link_customer,
        target=target,
        detail={**current_detail(), **(detail or {})},
        client_address=current_client_address(),
    )


@receiver(audit_event, dispatch_uid="portal.audit.store")
def store_sent_event(sender, *, actor=None, action, customer=None, target="", detail=None, **kwargs):
    _store(action=action, actor=actor, customer=customer, target=target, detail=detail)


# --- Users: created, role or company changed, permissions changed, deleted --------------------


def _was(instance, fields: tuple[str, ...]) -> dict:
    return {name: getattr(instance, name) for name in fields}


@receiver(pre_save, sender=User, dispatch_uid="portal.audit.user_before")
def remember_user_before(sender, instance, update_fields=None, raw=False, **kwargs):
    """The stored values a save is about to change (one query, only when a tracked field may
    change: signing in saves last_login alone and costs nothing here)."""
    instance._audit_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    fields = ROLE_FIELDS + PERMISSION_FIELDS
    if update_fields is not None and not {f.removesuffix("_id") for f in fields} & {
        f.removesuffix("_id") for f in update_fields
    }:
        return
    instance._audit_before = User._base_manager.filter(pk=instance.pk).values(*fields).first()


def _user_target(user) -> str:
    return f"user {user.pk} {user.email}"[:200]


@receiver(post_save, sender=User, dispatch_uid="portal.audit.user_after")
def record_user_change(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        _store(
            action=AuditAction.USER_CREATE,
            customer=instance.customer_id,
            target=_user_target(instance),
            detail=_was(instance, ROLE_FIELDS + PERMISSION_FIELDS),
        )
        return
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if not before:
        return
    for action, fields in (
        (AuditAction.USER_ROLE_CHANGE, ROLE_FIELDS),
        (AuditAction.USER_PERMISSION_CHANGE, PERMISSION_FIELDS),
    ):
        changes = {
            name: [before[name], getattr(instance, name)] for name in fields if before[name] != getattr(instance, name)
        }
        if changes:
            _store(action=action, customer=instance.customer_id, target=_user_target(instance), detail=changes)


@receiver(post_delete, sender=User, dispatch_uid="portal.audit.user_deleted")
def record_user_delete(sender, instance, origin=None, **kwargs):
    _store(
        action=AuditAction.USER_DELETE,
        customer=instance.customer_id,
        # A company's users go with the company: keep only its business ID then.
        link_customer=not isinstance(origin, CorporateCustomer),
        target=_user_target(instance),
        detail={"role": instance.role},
    )


def _record_user_m2m(sender, instance, action, reverse, model, pk_set, relation: str, **kwargs):
    if action == "pre_clear" and not reverse:
        # clear() names nothing afterwards: note what it is about to remove.
        instance._audit_cleared = sorted(getattr(instance, relation).values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    change = action.removeprefix("post_")
    if not reverse:
        users = [instance]
        removed = getattr(instance, "_audit_cleared", []) if change == "clear" else pk_set
        detail = {relation: {change: sorted(removed or [])}}
    else:
        # group.user_set.add(...) / permission.user_set.add(...): one event per user concerned.
        users = list(User._base_manager.filter(pk__in=pk_set or []))
        detail = {relation: {change: [instance.pk]}}
    for user in users:
        _store(
            action=AuditAction.USER_PERMISSION_CHANGE,
            customer=user.customer_id,
            target=_user_target(user),
            detail=detail,
        )


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="portal.audit.user_groups")
def record_user_groups(sender, **kwargs):
    _record_user_m2m(sender, relation="groups", **kwargs)


@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="portal.audit.user_permissions")
def record_user_permissions(sender, **kwargs):
    _record_user_m2m(sender, relation="user_permissions", **kwargs)


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="portal.audit.group_permissions")
def record_group_permissions(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    change = action.removeprefix("post_")
    groups = [instance] if not reverse else list(Group.objects.filter(pk__in=pk_set or []))
    for group in groups:
        _store(
            action=AuditAction.GROUP_PERMISSION_CHANGE,
            target=f"group {group.pk} {group.name}"[:200],
            detail={"permissions": {change: sorted(pk_set or []) if not reverse else [instance.pk]}},
        )


# --- Answers: any change or deletion of a stored response ------------------------------------


@receiver(pre_save, sender=Response, dispatch_uid="portal.audit.answer_before")
def remember_answer_before(sender, instance, raw=False, **kwargs):
    # Answering creates the row: nothing to compare, no query on the patients' page.
    instance._audit_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    instance._audit_before = Response._base_manager.filter(pk=instance.pk).values(*ANSWER_FIELDS).first()


@receiver(post_save, sender=Response, dispatch_uid="portal.audit.answer_changed")
def record_answer_change(sender, instance, created, raw=False, update_fields=None, **kwargs):
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if created or raw:
        return
    # The names of the fields that changed, never their values: the answer is the employee's.
    changed = sorted(name for name in ANSWER_FIELDS if before and before[name] != getattr(instance, name))
    if before is not None and not changed:
        return  # saved as it was
    _store(
        action=AuditAction.ANSWER_CHANGE,
        customer=instance.customer_id,
        target=f"response {instance.pk}",
        detail={"changed": changed},
    )


@receiver(post_delete, sender=Response, dispatch_uid="portal.audit.answer_deleted")
def record_answer_delete(sender, instance, origin=None, **kwargs):
    _store(
        action=AuditAction.ANSWER_DELETE,
        customer=instance.customer_id,
        link_customer=not isinstance(origin, CorporateCustomer),
        target=f"response {instance.pk}",
        detail={"respondent_group": instance.respondent_group},
    )
