"""Public Atom feed of issued, unexpired warnings (CAP 1.2 over Atom), each entry linking to its CAP
document at the public address /feeds/cap/<identifier>.xml."""

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from lxml import etree

from . import cap
from .models import Warning

ATOM = "http://www.w3.org/2005/Atom"


def _public():
    return Warning.objects.real().filter(status=Warning.Status.ISSUED, expires__gt=timezone.now()).order_by("-sent")


@never_cache
def atom(request):
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    etree.SubElement(feed, f"{{{ATOM}}}id").text = request.build_absolute_uri()
    etree.SubElement(feed, f"{{{ATOM}}}title").text = "预警信息"
    etree.SubElement(feed, f"{{{ATOM}}}updated").text = cap.cap_time(timezone.now())
    for w in _public()[:200]:
        entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
        etree.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:cap:{w.identifier}"
        etree.SubElement(entry, f"{{{ATOM}}}title").text = w.headline
        etree.SubElement(entry, f"{{{ATOM}}}updated").text = cap.cap_time(w.sent)
        etree.SubElement(entry, f"{{{ATOM}}}summary").text = w.description
        author = etree.SubElement(entry, f"{{{ATOM}}}author")
        etree.SubElement(author, f"{{{ATOM}}}name").text = cap.sender_of(w)
        link = etree.SubElement(entry, f"{{{ATOM}}}link")
        link.set("rel", "alternate")
        link.set("type", "application/cap+xml")
        link.set("href", request.build_absolute_uri(reverse("cap_document", kwargs={"identifier": w.identifier})))
    body = etree.tostring(feed, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")


@never_cache
def document(request, identifier):
    warning = (
        Warning.objects.real()
        .filter(
            identifier=identifier,
            status__in=[Warning.Status.ISSUED, Warning.Status.CANCELLED, Warning.Status.SUPERSEDED],
        )
        .first()
    )
    if warning is None:
        raise Http404
    xml = cap.document(warning, list(warning.regions.order_by("code")))
    return HttpResponse(xml, content_type="application/cap+xml; charset=utf-8")
