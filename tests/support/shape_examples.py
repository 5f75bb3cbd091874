"""Examples for the SHACL shapes: one valid mini-project and a failing variant per rule.

``BASE`` is a small dataset that exercises every shape without violating any
(it is every shape's passing example). Each :class:`Case` changes it with a
SPARQL Update and lists exactly the violations expected, as
``(focus node, result path, source shape)`` with blank focus nodes shown as
``_:``. ``PASSING`` lists variants that must stay valid.
"""

from __future__ import annotations

from dataclasses import dataclass

from sahel_kg.namespaces import PREFIXES

PREFIX_LINES = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items())

#: Reference entities: places, actors and events.
REFERENCE = """
place:mali a shg:Place ; rdfs:label "Mali"@en , "Mali"@fr ; shg:placePrecision pprec:country ;
    skos:exactMatch <https://sws.geonames.org/2453866/> ;
    geo:hasBoundingBox [ a geo:Geometry ;
        geo:asWKT "POLYGON((-12.2 10.0, 4.3 10.0, 4.3 25.0, -12.2 25.0, -12.2 10.0))"^^geo:wktLiteral ] .
place:sahel a shg:Place ; rdfs:label "Sahel"@en ; shg:placePrecision pprec:supranational .
place:gao a shg:Place ; rdfs:label "Gao Region"@en ; shg:placePrecision pprec:region ; geo:sfWithin place:mali .
place:village a shg:Place ; rdfs:label "Village"@en ; shg:placePrecision pprec:village ;
    geo:sfWithin place:gao ;
    geo:hasGeometry [ a geo:Geometry ; geo:asWKT "POINT(-0.5 16.25)"^^geo:wktLiteral ] .

actor:fama a shg:StateForce ; rdfs:label "Malian Armed Forces"@en ; skos:altLabel "FAMa"@fr ;
    shg:actorCategory acat:state-forces ; shg:sourceType stype:state ; shg:sourceScale sscale:national .
actor:agency a shg:Organisation ; rdfs:label "News Agency"@en ; shg:actorCategory acat:news-media ;
    shg:sourceType stype:media ; shg:sourceScale sscale:international .
actor:group a shg:ArmedGroup ; rdfs:label "Armed Group"@en ; shg:actorCategory acat:rebel-group .
actor:person a shg:Person ; rdfs:label "A Spokesman"@en ; schema:affiliation actor:group ;
    shg:sourceType stype:armed-group ; shg:sourceScale sscale:subnational .
actor:anon a shg:AnonymousSource ; rdfs:label "a security source"@en ; schema:affiliation actor:fama ;
    shg:sourceType stype:state ; shg:sourceScale sscale:national .
actor:sources a shg:AnonymousSource ; rdfs:label "members and independent contacts"@en ;
    schema:member actor:anon , actor:person .

incident:i a shg:Incident ; rdfs:label "Killings at the village"@en ;
    sem:eventType itype:violence-against-civilians ; sem:hasPlace place:village ;
    shg:placePrecision pprec:village ; shg:timePrecision tprec:day ;
    sem:hasEarliestBeginTimeStamp "2023-01-01"^^xsd:date ; sem:hasLatestEndTimeStamp "2023-01-02"^^xsd:date ;
    shg:curatorInference [ a shg:CuratorInference ; shg:inferredProperty sem:hasEarliestBeginTimeStamp ;
        shg:reasoning "The article says 'last Sunday'."@en ] .
incident:old dcterms:isReplacedBy incident:i .
event:ctx a shg:ContextEvent ; rdfs:label "A coup"@en ; sem:hasPlace place:mali .
event:series a shg:IncidentSeries ; rdfs:label "A campaign"@en .
event:inv a shg:Investigation ; rdfs:label "An inquiry"@en ; shg:concerns incident:i ; sem:hasActor actor:fama .
event:appeal a shg:Appeal ; rdfs:label "An appeal"@en ; shg:concerns event:series ;
    sem:hasActor actor:agency ; shg:addressee actor:fama .
"""

#: The first source document and its claims.
DOC = """
source:doc a shg:SourceDocument ; dcterms:title "Title"@en ; shg:captureFile "doc.txt" ;
    dcterms:publisher actor:agency ; dcterms:creator actor:person ;
    dcterms:issued "2023-01-05"^^xsd:date ; shg:timePrecision tprec:day .
claim:a a shg:Claim ; rdfs:label "Spokesman alleges killings"@en ;
    shg:about incident:i ; prov:wasAttributedTo actor:person ; prov:wasDerivedFrom source:doc ;
    shg:stance stance:alleges ; shg:victimStatus vstatus:civilians ;
    shg:allegedPerpetrator actor:fama ; shg:mentions actor:group ; shg:method method:execution ;
    shg:victimGroup vgroup:children ; shg:targetedPopulation population:fulani ;
    shg:allegedPartOf event:series ;
    shg:characterisation "massacre"@en ; shg:speakerWords "They killed them all"@en ;
    prov:qualifiedInfluence [ a prov:Influence ; prov:agent actor:agency ; prov:hadRole arole:relay ] ;
    prov:qualifiedAttribution [ a prov:Attribution ; prov:agent actor:person ] ;
    shg:qualifiedPerpetrator [ a sem:Role ; rdf:value actor:fama ; sem:roleType perprole:principal ] ;
    shg:statesRelation [ a shg:IncidentRelation ; shg:relationType irel:follows ; shg:relatedEvent event:ctx ] ;
    shg:eventCount "2"^^xsd:positiveInteger ;
    shg:ageGroup agegrp:children ; shg:victimSex sex:female ; shg:victimCommunity population:tuareg ;
    shg:quote [ a oa:TextQuoteSelector ; oa:exact "at least 60 people were killed" ] ;
    shg:count
        [ a shg:Count ; shg:countType ctype:killed ; shg:countQualifier cqual:exact ;
          shg:low 5 ; shg:best 5 ;
          shg:high 5 ; shg:victimGroup vgroup:women ; shg:method method:shooting ;
          shg:ageGroup agegrp:adults ; shg:minAge "18"^^xsd:nonNegativeInteger ; shg:maxAge "40"^^xsd:nonNegativeInteger ;
          shg:victimSex sex:female ; shg:victimCommunity population:fulani ] ,
        [ a shg:Count ; shg:countType ctype:killed ; shg:countQualifier cqual:at-least ;
          shg:low 60 ] ,
        [ a shg:Count ; shg:countType ctype:injured ; shg:countQualifier cqual:approximately ;
          shg:best 30 ] ,
        [ a shg:Count ; shg:countType ctype:arrested ; shg:countQualifier cqual:more-than ;
          shg:low 31 ] ,
        [ a shg:Count ; shg:countType ctype:disappeared ; shg:countQualifier cqual:up-to ;
          shg:high 40 ] ,
        [ a shg:Count ; shg:countType ctype:arson ; shg:countQualifier cqual:dozens ;
          shg:low 24 ] ,
        [ a shg:Count ; shg:countType ctype:injured ; shg:countQualifier cqual:unquantified ] .
claim:b a shg:Claim ; rdfs:label "Army denies"@en ;
    shg:about incident:i ; prov:wasAttributedTo actor:fama ; prov:wasDerivedFrom source:doc ;
    shg:stance stance:denies ; shg:respondsTo claim:a ;
    shg:quote [ a oa:TextQuoteSelector ; oa:exact "The army denied it"@en ] .
claim:d a shg:Claim ; rdfs:label "Agency: the army has not responded"@en ;
    shg:about incident:i ; prov:wasAttributedTo actor:agency ; prov:wasDerivedFrom source:doc ;
    shg:stance stance:no-response ; shg:respondsTo claim:a ; shg:nonRespondent actor:fama ;
    shg:quote [ a oa:TextQuoteSelector ; oa:exact "The army has yet to respond" ] .
claim:e a shg:Claim ; rdfs:label "Security source confirms killings of civilians"@en ;
    shg:about incident:i ; prov:wasAttributedTo actor:anon ; prov:wasDerivedFrom source:doc ;
    shg:stance stance:confirms ; shg:respondsTo claim:a ; shg:victimStatus vstatus:civilians ;
    shg:quote [ a oa:TextQuoteSelector ; oa:exact "A security source confirmed the killings" ] .
[] a oa:Annotation ; oa:motivatedBy oa:classifying ; oa:hasBody passage:furniture ;
    rdfs:comment "Sidebar of unrelated headlines."@en ;
    oa:hasTarget [ a oa:SpecificResource ; oa:hasSource source:doc ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "More News" ] ] .
"""

#: The second source document and its claim.
DOC2 = """
source:doc2 a shg:SourceDocument ; dcterms:title "Titre"@fr ; shg:captureFile "doc2.txt" ;
    dcterms:publisher actor:agency ;
    shg:earliestPublication "2023-01-01"^^xsd:date ; shg:latestPublication "2023-01-31"^^xsd:date ;
    shg:timePrecision tprec:month .
claim:c a shg:Claim ; rdfs:label "Background"@en ;
    shg:about event:ctx , event:series , event:inv , event:appeal ;
    prov:wasAttributedTo actor:anon ; prov:wasDerivedFrom source:doc2 ; shg:stance stance:reports ;
    shg:quote [ a oa:TextQuoteSelector ; oa:exact "Background" ] .
"""

#: A coded row of a dataset release, as `sahel-kg import` writes it, with a proposed match.
CODED = """
actor:coder a shg:Organisation ; rdfs:label "A Data Program"@en ; shg:actorCategory acat:analysts ;
    shg:sourceType stype:analysts ; shg:sourceScale sscale:international .
source:ds-1 a shg:SourceDocument , shg:DatasetRelease ; dcterms:title "A dataset, version 1"@en ;
    dcterms:publisher actor:coder ; owl:versionInfo "1" ; dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
    shg:earliestPublication "2023-01-02"^^xsd:date ; shg:timePrecision tprec:unknown .
incident:ds-1 a shg:Incident ; rdfs:label "Coded event at the village"@en ; dcterms:identifier "E-1" ;
    sem:eventType itype:battles ; sem:hasPlace place:village ; shg:placePrecision pprec:village ;
    shg:timePrecision tprec:day ;
    sem:hasEarliestBeginTimeStamp "2023-01-01"^^xsd:date ; sem:hasLatestEndTimeStamp "2023-01-01"^^xsd:date ;
    shg:possiblySameIncidentAs incident:i ;
    shg:proposedMatch [ a shg:IncidentMatch ; shg:matchCandidate incident:i ; shg:matchScore 0.75 ;
        shg:matchBasis "same place; the windows share 1 of 2 days"@en ] .
claim:ds-1 a shg:Claim , shg:CodedClaim ; rdfs:label "A Data Program: 4 killed (low 3, high 6)"@en ;
    dcterms:identifier "E-1" ; shg:about incident:ds-1 ; prov:wasAttributedTo actor:coder ;
    prov:wasDerivedFrom source:ds-1 ; shg:stance stance:reports ; shg:citedSources "A wire, 2 January 2023" ;
    shg:codedParty actor:group ;
    shg:count [ a shg:Count ; shg:countType ctype:killed ; shg:countQualifier cqual:estimate ;
                shg:low 3 ; shg:best 4 ; shg:high 6 ] ,
              [ a shg:Count ; shg:countType ctype:killed ; shg:countQualifier cqual:exact ; shg:subtotal true ;
                shg:low 4 ; shg:best 4 ; shg:high 4 ; shg:victimParty actor:group ;
                shg:countedStatus vstatus:combatants ] .
"""

BASE = PREFIX_LINES + REFERENCE + DOC + DOC2 + CODED

#: BASE as the files of a project: one file per source document, as `validate` wants.
BASE_FILES: dict[str, str] = {
    "data/ttl/base.ttl": PREFIX_LINES + REFERENCE,
    "data/ttl/sources/doc.ttl": PREFIX_LINES + DOC,
    "data/ttl/sources/doc2.ttl": PREFIX_LINES + DOC2,
    "data/ttl/imports/ds/events-00001.ttl": PREFIX_LINES + CODED,
}

#: The captured texts that BASE's quotes and speaker's words come from, by file name.
CAPTURES: dict[str, str] = {
    "doc.txt": "A title.\nWitnesses said at least 60 people were killed. “They killed them all”, one said. The army denied it.\n"
               "The army has yet to respond. A security source confirmed the killings.\nMore News\n",
    "doc2.txt": "Titre.\nBackground to the events.\n",
}


@dataclass(frozen=True)
class Case:
    """A SPARQL Update applied to ``BASE`` and the exact violations it must cause."""

    name: str
    update: str
    expected: frozenset[tuple[str, str | None, str]]


def case(name: str, update: str, *expected: tuple[str, str | None, str]) -> Case:
    """A failing example (``expected`` must not be empty)."""
    assert expected, name
    return Case(name, update, frozenset(expected))


def _count(qualifier: str) -> str:
    """A WHERE pattern binding ``?c`` to claim:a's count with the given qualifier."""
    return f"claim:a shg:count ?c . ?c shg:countQualifier cqual:{qualifier} ."


def _sh(name: str) -> str:
    return f"shapes:{name}"


CASES: list[Case] = [
    # ------------------------------------------------------------ global
    case("undescribed-object", "INSERT DATA { claim:a shg:mentions actor:ghost }",
         ("actor:ghost", "rdf:type", _sh("DescribedIriType")),
         ("claim:a", "shg:mentions", _sh("ClaimMentions"))),
    case("ontology-term-label", "DELETE WHERE { shg:about rdfs:label ?l }",
         ("shg:about", "rdfs:label", _sh("OntologyTermLabel")), ("shg:about", "rdfs:label", _sh("OntologyTermFrenchLabel"))),
    case("ontology-term-definition", "DELETE WHERE { shg:Claim skos:definition ?d }",
         ("shg:Claim", "skos:definition", _sh("OntologyTermDefinition"))),
    case("ontology-term-defined-by",
         'INSERT DATA { shg:newTerm a owl:ObjectProperty ; rdfs:label "new"@en , "nouveau"@fr ; skos:definition "New."@en }',
         ("shg:newTerm", "rdfs:isDefinedBy", _sh("OntologyTermDefinedBy"))),
    # ------------------------------------------------------------ vocabularies
    case("concept-pref-label", "DELETE WHERE { stance:alleges skos:prefLabel ?l }",
         ("stance:alleges", "skos:prefLabel", _sh("ConceptPrefLabel")), ("stance:alleges", "skos:prefLabel", _sh("ConceptFrenchPrefLabel"))),
    case("concept-definition", 'INSERT DATA { stance:alleges skos:definition "Another."@en }',
         ("stance:alleges", "skos:definition", _sh("ConceptDefinition"))),
    case("concept-in-scheme", "DELETE WHERE { method:raid skos:inScheme ?s }",
         ("method:raid", "skos:inScheme", _sh("ConceptInScheme"))),
    case("concept-scheme-pref-label", "DELETE WHERE { <https://w3id.org/sahel-harm/vocab/stance> skos:prefLabel ?l }",
         ("<https://w3id.org/sahel-harm/vocab/stance>", "skos:prefLabel", _sh("ConceptSchemePrefLabel")),
         ("<https://w3id.org/sahel-harm/vocab/stance>", "skos:prefLabel", _sh("ConceptSchemeFrenchPrefLabel"))),
    case("concept-scheme-definition", "DELETE WHERE { <https://w3id.org/sahel-harm/vocab/stance> skos:definition ?l }",
         ("<https://w3id.org/sahel-harm/vocab/stance>", "skos:definition", _sh("ConceptSchemeDefinition"))),
    # ------------------------------------------------------------ events
    case("event-label-missing", "DELETE WHERE { incident:i rdfs:label ?l }",
         ("incident:i", "rdfs:label", _sh("EventLabel"))),
    case("event-label-twice", 'INSERT DATA { event:ctx rdfs:label "Another"@en }',
         ("event:ctx", "rdfs:label", _sh("EventLabel"))),
    case("event-earliest-twice", 'INSERT DATA { incident:i sem:hasEarliestBeginTimeStamp "2022-12-31"^^xsd:date }',
         ("incident:i", "sem:hasEarliestBeginTimeStamp", _sh("EventEarliestBegin"))),
    case("event-earliest-not-date",
         'DELETE { incident:i sem:hasEarliestBeginTimeStamp ?d } INSERT { incident:i sem:hasEarliestBeginTimeStamp "2023" } '
         "WHERE { incident:i sem:hasEarliestBeginTimeStamp ?d }",
         ("incident:i", "sem:hasEarliestBeginTimeStamp", _sh("EventEarliestBegin"))),
    case("event-earliest-after-latest",
         'DELETE { event:ctx sem:hasPlace place:mali } INSERT { event:ctx sem:hasEarliestBeginTimeStamp "2023-03-01"^^xsd:date ; '
         'sem:hasLatestEndTimeStamp "2023-02-01"^^xsd:date } WHERE {}',
         ("event:ctx", "sem:hasEarliestBeginTimeStamp", _sh("EventEarliestBegin"))),
    case("event-latest-twice", 'INSERT DATA { incident:i sem:hasLatestEndTimeStamp "2023-01-03"^^xsd:date }',
         ("incident:i", "sem:hasLatestEndTimeStamp", _sh("EventLatestEnd"))),
    case("event-place-not-place", "INSERT DATA { event:series sem:hasPlace actor:fama }",
         ("event:series", "sem:hasPlace", _sh("EventPlace"))),
    case("event-not-claimed", "DELETE DATA { claim:c shg:about event:series }",
         ("event:series", "^shg:about", _sh("EventClaimedAbout"))),
    case("event-count",
         "INSERT DATA { incident:i shg:count [ a shg:Count ; shg:countType ctype:killed ; shg:countQualifier cqual:unquantified ] }",
         ("incident:i", "shg:count", _sh("EventNoCount"))),
    case("event-perpetrator", "INSERT DATA { incident:i shg:allegedPerpetrator actor:group }",
         ("incident:i", "shg:allegedPerpetrator", _sh("EventNoPerpetrator"))),
    case("event-victim-status", "INSERT DATA { incident:i shg:victimStatus vstatus:civilians }",
         ("incident:i", "shg:victimStatus", _sh("EventNoVictimStatus"))),
    case("event-method", "INSERT DATA { event:series shg:method method:execution }",
         ("event:series", "shg:method", _sh("EventNoMethod"))),
    case("incident-type-missing", "DELETE WHERE { incident:i sem:eventType ?t }",
         ("incident:i", "sem:eventType", _sh("IncidentType"))),
    case("incident-type-wrong-scheme", "INSERT DATA { incident:i sem:eventType method:execution }",
         ("incident:i", "sem:eventType", _sh("IncidentType"))),
    case("incident-place-missing", "DELETE WHERE { incident:i sem:hasPlace ?p }",
         ("incident:i", "sem:hasPlace", _sh("IncidentPlace"))),
    case("incident-place-twice", "INSERT DATA { incident:i sem:hasPlace place:mali }",
         ("incident:i", "sem:hasPlace", _sh("IncidentPlace"))),
    case("incident-place-precision-wrong-scheme",
         "DELETE { incident:i shg:placePrecision ?p } INSERT { incident:i shg:placePrecision tprec:day } "
         "WHERE { incident:i shg:placePrecision ?p }",
         ("incident:i", "shg:placePrecision", _sh("IncidentPlacePrecision"))),
    case("incident-time-precision-missing", "DELETE WHERE { incident:i shg:timePrecision ?p }",
         ("incident:i", "shg:timePrecision", _sh("IncidentTimePrecision"))),
    case("response-concerns-missing", "DELETE WHERE { event:inv shg:concerns ?e }",
         ("event:inv", "shg:concerns", _sh("ResponseConcerns"))),
    case("response-concerns-not-event", "INSERT DATA { event:appeal shg:concerns place:mali }",
         ("event:appeal", "shg:concerns", _sh("ResponseConcerns"))),
    case("response-actor-missing", "DELETE WHERE { event:inv sem:hasActor ?a }",
         ("event:inv", "sem:hasActor", _sh("ResponseActor"))),
    case("appeal-addressee-missing", "DELETE WHERE { event:appeal shg:addressee ?a }",
         ("event:appeal", "shg:addressee", _sh("AppealAddressee"))),
    # ------------------------------------------------------------ claims
    case("claim-label-missing", "DELETE WHERE { claim:a rdfs:label ?l }",
         ("claim:a", "rdfs:label", _sh("ClaimLabel"))),
    case("claim-about-missing", "DELETE WHERE { claim:b shg:about ?e }",
         ("claim:b", "shg:about", _sh("ClaimAbout"))),
    case("claim-about-not-event", "INSERT DATA { claim:b shg:about place:mali }",
         ("claim:b", "shg:about", _sh("ClaimAbout"))),
    case("claim-speaker-not-actor", "INSERT DATA { claim:b prov:wasAttributedTo source:doc }",
         ("claim:b", "prov:wasAttributedTo", _sh("ClaimAttributedTo"))),
    case("claim-speaker-missing", "DELETE WHERE { claim:c prov:wasAttributedTo ?a }",
         ("claim:c", "prov:wasAttributedTo", _sh("ClaimAttributedTo"))),
    case("claim-two-sources", "INSERT DATA { claim:a prov:wasDerivedFrom source:doc2 }",
         ("claim:a", "prov:wasDerivedFrom", _sh("ClaimDerivedFrom"))),
    case("claim-source-missing", "DELETE WHERE { claim:b prov:wasDerivedFrom ?d }",
         ("claim:b", "prov:wasDerivedFrom", _sh("ClaimDerivedFrom"))),
    case("claim-stance-missing", "DELETE WHERE { claim:c shg:stance ?s }",
         ("claim:c", "shg:stance", _sh("ClaimStance"))),
    case("claim-stance-wrong-scheme",
         "DELETE { claim:c shg:stance ?s } INSERT { claim:c shg:stance vstatus:civilians } WHERE { claim:c shg:stance ?s }",
         ("claim:c", "shg:stance", _sh("ClaimStance"))),
    case("claim-responds-to-event", "INSERT DATA { claim:b shg:respondsTo incident:i }",
         ("claim:b", "shg:respondsTo", _sh("ClaimRespondsToClaim"))),
    case("denial-without-target", "DELETE WHERE { claim:b shg:respondsTo ?c }",
         ("claim:b", "shg:respondsTo", _sh("RespondingClaimRespondsTo"))),
    case("disclaimer-without-target",
         "DELETE { claim:c shg:stance ?s } INSERT { claim:c shg:stance stance:disclaims-knowledge } WHERE { claim:c shg:stance ?s }",
         ("claim:c", "shg:respondsTo", _sh("RespondingClaimRespondsTo"))),
    case("claim-quote-missing", "DELETE WHERE { claim:c shg:quote ?q }",
         ("claim:c", "shg:quote", _sh("QuotedClaimQuote"))),
    case("claim-quote-untyped", "DELETE { ?q a ?t } WHERE { claim:c shg:quote ?q . ?q a ?t }",
         ("claim:c", "shg:quote", _sh("ClaimQuote"))),
    case("quote-empty",
         'DELETE { ?q oa:exact ?e } INSERT { ?q oa:exact "" } WHERE { claim:c shg:quote ?q . ?q oa:exact ?e }',
         ("_:", "oa:exact", _sh("QuoteExact"))),
    case("quote-not-string",
         "DELETE { ?q oa:exact ?e } INSERT { ?q oa:exact 5 } WHERE { claim:c shg:quote ?q . ?q oa:exact ?e }",
         ("_:", "oa:exact", _sh("QuoteExact"))),
    case("quote-two-exacts",
         'INSERT { ?q oa:exact "More" } WHERE { claim:c shg:quote ?q }',
         ("_:", "oa:exact", _sh("QuoteExact"))),
    case("claim-count-untyped", f"DELETE {{ ?c a shg:Count }} WHERE {{ {_count('unquantified')} }}",
         ("claim:a", "shg:count", _sh("ClaimCount"))),
    case("claim-victim-status-twice", "INSERT DATA { claim:a shg:victimStatus vstatus:combatants }",
         ("claim:a", "shg:victimStatus", _sh("ClaimVictimStatus")),
         # claim:e confirms claim:a, whose speaker now also calls the victims combatants
         ("claim:e", "shg:respondsTo", _sh("ConfirmingClaim"))),
    case("claim-victim-status-wrong-scheme", "INSERT DATA { claim:b shg:victimStatus vgroup:women }",
         ("claim:b", "shg:victimStatus", _sh("ClaimVictimStatus"))),
    case("claim-perpetrator-not-actor", "INSERT DATA { claim:a shg:allegedPerpetrator place:mali }",
         ("claim:a", "shg:allegedPerpetrator", _sh("ClaimAllegedPerpetrator"))),
    case("claim-mentions-not-actor", "INSERT DATA { claim:a shg:mentions vstatus:civilians }",
         ("claim:a", "shg:mentions", _sh("ClaimMentions"))),
    case("claim-method-wrong-scheme", "INSERT DATA { claim:a shg:method itype:attack }",
         ("claim:a", "shg:method", _sh("ClaimMethod"))),
    case("claim-victim-group-wrong-scheme", "INSERT DATA { claim:a shg:victimGroup method:raid }",
         ("claim:a", "shg:victimGroup", _sh("ClaimVictimGroup"))),
    case("claim-population-wrong-scheme", "INSERT DATA { claim:a shg:targetedPopulation vgroup:children }",
         ("claim:a", "shg:targetedPopulation", _sh("ClaimTargetedPopulation"))),
    case("claim-part-of-not-series", "INSERT DATA { claim:a shg:allegedPartOf event:ctx }",
         ("claim:a", "shg:allegedPartOf", _sh("ClaimAllegedPartOf"))),
    case("claim-attribution-untyped",
         "DELETE { ?q a prov:Attribution } WHERE { claim:a prov:qualifiedAttribution ?q }",
         ("claim:a", "prov:qualifiedAttribution", _sh("ClaimQualifiedAttribution"))),
    case("claim-characterisation-plain",
         'DELETE WHERE { claim:a shg:characterisation ?c } ; INSERT DATA { claim:a shg:characterisation "massacre" }',
         ("claim:a", "shg:characterisation", _sh("ClaimCharacterisation"))),
    case("claim-speaker-words-plain", 'INSERT DATA { claim:a shg:speakerWords "words" }',
         ("claim:a", "shg:speakerWords", _sh("ClaimSpeakerWords"))),
    # ------------------------------------------------------------ qualified attributions
    case("attribution-agent-missing",
         "DELETE { ?q prov:agent ?a } WHERE { claim:a prov:qualifiedAttribution ?q . ?q prov:agent ?a }",
         ("_:", "prov:agent", _sh("AttributionAgent"))),
    case("attribution-agent-not-actor",
         "INSERT { ?q prov:agent place:mali } WHERE { claim:a prov:qualifiedAttribution ?q }",
         ("_:", "prov:agent", _sh("AttributionAgent")),
         ("claim:a", "prov:qualifiedAttribution", _sh("AttributionIsSpeaker"))),
    case("attribution-role-wrong-scheme",
         "INSERT { ?q prov:hadRole stance:alleges } WHERE { claim:a prov:qualifiedAttribution ?q }",
         ("_:", "prov:hadRole", _sh("AttributionRole"))),
    case("relay-as-attribution",
         "INSERT DATA { claim:a prov:qualifiedAttribution [ a prov:Attribution ; prov:agent actor:agency ; prov:hadRole arole:relay ] }",
         ("claim:a", "prov:qualifiedAttribution", _sh("AttributionIsSpeaker"))),
    case("influence-untyped", "DELETE { ?q a prov:Influence } WHERE { claim:a prov:qualifiedInfluence ?q }",
         ("claim:a", "prov:qualifiedInfluence", _sh("ClaimQualifiedInfluence"))),
    case("influence-agent-missing",
         "DELETE { ?q prov:agent ?a } WHERE { claim:a prov:qualifiedInfluence ?q . ?q prov:agent ?a }",
         ("_:", "prov:agent", _sh("InfluenceAgent"))),
    case("influence-role-wrong-scheme",
         "DELETE { ?q prov:hadRole ?r } INSERT { ?q prov:hadRole stance:reports } "
         "WHERE { claim:a prov:qualifiedInfluence ?q . ?q prov:hadRole ?r }",
         ("_:", "prov:hadRole", _sh("InfluenceRole"))),
    # ------------------------------------------------------------ silence and confirmations
    case("non-respondent-not-actor", "INSERT DATA { claim:d shg:nonRespondent place:mali }",
         ("claim:d", "shg:nonRespondent", _sh("ClaimNonRespondent"))),
    case("no-response-without-party", "DELETE WHERE { claim:d shg:nonRespondent ?a }",
         ("claim:d", "shg:nonRespondent", _sh("NoResponseClaimNonRespondent"))),
    case("no-response-without-target", "DELETE WHERE { claim:d shg:respondsTo ?c }",
         ("claim:d", "shg:respondsTo", _sh("RespondingClaimRespondsTo"))),
    case("confirms-with-conflicting-toll",
         "INSERT DATA { claim:e shg:count [ a shg:Count ; shg:countType ctype:killed ; shg:countQualifier cqual:exact ; "
         "shg:low 29 ; shg:best 29 ; shg:high 29 ] }",
         ("claim:e", "shg:respondsTo", _sh("ConfirmingClaim"))),
    case("confirms-while-contesting-status",
         "DELETE DATA { claim:e shg:victimStatus vstatus:civilians } ; INSERT DATA { claim:e shg:victimStatus vstatus:combatants }",
         ("claim:e", "shg:respondsTo", _sh("ConfirmingClaim"))),
    # ------------------------------------------------------------ relations between events
    case("claim-relation-untyped", "DELETE { ?r a shg:IncidentRelation } WHERE { claim:a shg:statesRelation ?r }",
         ("claim:a", "shg:statesRelation", _sh("ClaimStatesRelation"))),
    case("relation-type-missing", "DELETE { ?r shg:relationType ?t } WHERE { claim:a shg:statesRelation ?r . ?r shg:relationType ?t }",
         ("_:", "shg:relationType", _sh("IncidentRelationType"))),
    case("relation-type-wrong-scheme", "INSERT { ?r shg:relationType stance:alleges } WHERE { claim:a shg:statesRelation ?r }",
         ("_:", "shg:relationType", _sh("IncidentRelationType"))),
    case("relation-event-not-event", "INSERT { ?r shg:relatedEvent place:mali } WHERE { claim:a shg:statesRelation ?r }",
         ("_:", "shg:relatedEvent", _sh("IncidentRelationEvent"))),
    case("event-count-one",
         'DELETE WHERE { claim:a shg:eventCount ?n } ; INSERT DATA { claim:a shg:eventCount "1"^^xsd:positiveInteger }',
         ("claim:a", "shg:eventCount", _sh("ClaimEventCount"))),
    # ------------------------------------------------------------ perpetrator roles
    case("perpetrator-role-untyped", "DELETE { ?r a sem:Role } WHERE { claim:a shg:qualifiedPerpetrator ?r }",
         ("claim:a", "shg:qualifiedPerpetrator", _sh("ClaimQualifiedPerpetrator"))),
    case("perpetrator-role-actor-missing",
         "DELETE { ?r rdf:value ?a } WHERE { claim:a shg:qualifiedPerpetrator ?r . ?r rdf:value ?a }",
         ("_:", "rdf:value", _sh("PerpetratorRoleActor"))),
    case("perpetrator-role-type-wrong-scheme",
         "DELETE { ?r sem:roleType ?t } INSERT { ?r sem:roleType arole:relay } "
         "WHERE { claim:a shg:qualifiedPerpetrator ?r . ?r sem:roleType ?t }",
         ("_:", "sem:roleType", _sh("PerpetratorRoleType"))),
    case("qualified-perpetrator-not-alleged",
         "DELETE { ?r rdf:value ?a } INSERT { ?r rdf:value actor:group } "
         "WHERE { claim:a shg:qualifiedPerpetrator ?r . ?r rdf:value ?a }",
         ("claim:a", "shg:qualifiedPerpetrator", _sh("QualifiedPerpetratorIsAlleged"))),
    # ------------------------------------------------------------ victims
    case("claim-age-group-wrong-scheme", "INSERT DATA { claim:a shg:ageGroup vgroup:children }",
         ("claim:a", "shg:ageGroup", _sh("ClaimAgeGroup"))),
    case("claim-victim-sex-wrong-scheme", "INSERT DATA { claim:a shg:victimSex vgroup:women }",
         ("claim:a", "shg:victimSex", _sh("ClaimVictimSex"))),
    case("claim-victim-community-wrong-scheme", "INSERT DATA { claim:a shg:victimCommunity vgroup:shepherds }",
         ("claim:a", "shg:victimCommunity", _sh("ClaimVictimCommunity"))),
    case("count-age-group-wrong-scheme", f"INSERT {{ ?c shg:ageGroup vgroup:children }} WHERE {{ {_count('exact')} }}",
         ("_:", "shg:ageGroup", _sh("CountAgeGroup"))),
    case("count-min-age-above-max",
         f'DELETE {{ ?c shg:minAge ?m }} INSERT {{ ?c shg:minAge "41"^^xsd:nonNegativeInteger }} WHERE {{ {_count("exact")} ?c shg:minAge ?m }}',
         ("_:", "shg:minAge", _sh("CountMinAge"))),
    case("count-min-age-plain-integer",
         f'DELETE {{ ?c shg:minAge ?m }} INSERT {{ ?c shg:minAge 2 }} WHERE {{ {_count("exact")} ?c shg:minAge ?m }}',
         ("_:", "shg:minAge", _sh("CountMinAge"))),
    case("count-max-age-twice",
         f'INSERT {{ ?c shg:maxAge "50"^^xsd:nonNegativeInteger }} WHERE {{ {_count("exact")} }}',
         ("_:", "shg:maxAge", _sh("CountMaxAge"))),
    case("count-victim-sex-wrong-scheme", f"INSERT {{ ?c shg:victimSex vgroup:men }} WHERE {{ {_count('exact')} }}",
         ("_:", "shg:victimSex", _sh("CountVictimSex"))),
    case("count-victim-community-wrong-scheme", f"INSERT {{ ?c shg:victimCommunity vstatus:civilians }} WHERE {{ {_count('exact')} }}",
         ("_:", "shg:victimCommunity", _sh("CountVictimCommunity"))),
    # ------------------------------------------------------------ counts
    case("count-type-missing", f"DELETE {{ ?c shg:countType ?t }} WHERE {{ {_count('exact')} ?c shg:countType ?t }}",
         ("_:", "shg:countType", _sh("CountType"))),
    case("count-type-wrong-scheme", f"INSERT {{ ?c shg:countType vgroup:children }} WHERE {{ {_count('at-least')} }}",
         ("_:", "shg:countType", _sh("CountType"))),
    case("count-qualifier-missing",
         "DELETE { ?c shg:countQualifier cqual:at-least } WHERE { claim:a shg:count ?c . ?c shg:countQualifier cqual:at-least }",
         ("_:", "shg:countQualifier", _sh("CountQualifier"))),
    case("count-qualifier-twice", f"INSERT {{ ?c shg:countQualifier cqual:dozens }} WHERE {{ {_count('approximately')} }}",
         ("_:", "shg:countQualifier", _sh("CountQualifier")),
         ("_:", "shg:low", _sh("DozensCountLow")), ("_:", "shg:best", _sh("DozensCountNoBest"))),
    case("count-low-not-an-integer",
         f'DELETE {{ ?c shg:low ?l }} INSERT {{ ?c shg:low 60.5 }} WHERE {{ {_count("at-least")} ?c shg:low ?l }}',
         ("_:", "shg:low", _sh("CountLow"))),
    case("count-low-above-best",
         f'INSERT {{ ?c shg:low 40 }} WHERE {{ {_count("approximately")} }}',
         ("_:", "shg:low", _sh("CountLow"))),
    case("count-best-above-high",
         f'INSERT {{ ?c shg:high 20 }} WHERE {{ {_count("approximately")} }}',
         ("_:", "shg:best", _sh("CountBest"))),
    case("count-best-negative",
         f'DELETE {{ ?c shg:best ?b }} INSERT {{ ?c shg:best "-3"^^xsd:integer }} WHERE {{ {_count("approximately")} ?c shg:best ?b }}',
         ("_:", "shg:best", _sh("CountBest"))),
    case("count-high-twice",
         f'INSERT {{ ?c shg:high 40 , 50 }} WHERE {{ {_count("more-than")} }}',
         ("_:", "shg:high", _sh("CountHigh"))),
    case("count-low-above-high",
         f'INSERT {{ ?c shg:high 20 }} WHERE {{ {_count("more-than")} }}',
         ("_:", "shg:low", _sh("CountLowNotAboveHigh"))),
    case("count-victim-group-wrong-scheme",
         f"INSERT {{ ?c shg:victimGroup population:fulani }} WHERE {{ {_count('exact')} }}",
         ("_:", "shg:victimGroup", _sh("CountVictimGroup"))),
    case("count-method-wrong-scheme", f"INSERT {{ ?c shg:method ctype:killed }} WHERE {{ {_count('exact')} }}",
         ("_:", "shg:method", _sh("CountMethod"))),
    case("count-without-figure", f"DELETE {{ ?c shg:low ?l }} WHERE {{ {_count('more-than')} ?c shg:low ?l }}",
         ("_:", "(shg:low|shg:best|shg:high)", _sh("CountHasFigureValue")), ("_:", "shg:low", _sh("MoreThanCountLow"))),
    case("unquantified-with-figure",
         f'INSERT {{ ?c shg:best 3 }} WHERE {{ {_count("unquantified")} }}',
         ("_:", "(shg:low|shg:best|shg:high)", _sh("UnquantifiedCountNoFigure"))),
    case("exact-count-unequal",
         f'DELETE {{ ?c shg:high ?h }} INSERT {{ ?c shg:high 6 }} '
         f"WHERE {{ {_count('exact')} ?c shg:high ?h }}",
         ("_:", "shg:low", _sh("ExactCountFigures"))),
    case("exact-count-missing-best", f"DELETE {{ ?c shg:best ?b }} WHERE {{ {_count('exact')} ?c shg:best ?b }}",
         ("_:", "shg:best", _sh("ExactCountFigures"))),
    case("exact-count-two-highs",
         f'INSERT {{ ?c shg:high 6 }} WHERE {{ {_count("exact")} }}',
         ("_:", "shg:high", _sh("CountHigh")), ("_:", "shg:low", _sh("ExactCountFigures"))),
    case("at-least-with-high",
         f'INSERT {{ ?c shg:high 100 }} WHERE {{ {_count("at-least")} }}',
         ("_:", "shg:high", _sh("AtLeastCountNoHigh"))),
    case("at-least-without-low",
         f'DELETE {{ ?c shg:low ?l }} INSERT {{ ?c shg:best 60 }} '
         f"WHERE {{ {_count('at-least')} ?c shg:low ?l }}",
         ("_:", "shg:low", _sh("AtLeastCountLow"))),
    case("more-than-without-low",
         f'DELETE {{ ?c shg:low ?l }} INSERT {{ ?c shg:best 31 }} '
         f"WHERE {{ {_count('more-than')} ?c shg:low ?l }}",
         ("_:", "shg:low", _sh("MoreThanCountLow"))),
    case("up-to-without-high",
         f'DELETE {{ ?c shg:high ?h }} INSERT {{ ?c shg:best 40 }} '
         f"WHERE {{ {_count('up-to')} ?c shg:high ?h }}",
         ("_:", "shg:high", _sh("UpToCountHigh")), ("_:", "shg:best", _sh("UpToCountNoBest"))),
    case("up-to-with-low",
         f'INSERT {{ ?c shg:low 5 }} WHERE {{ {_count("up-to")} }}',
         ("_:", "shg:low", _sh("UpToCountNoLow"))),
    case("up-to-with-best",
         f'INSERT {{ ?c shg:best 10 }} WHERE {{ {_count("up-to")} }}',
         ("_:", "shg:best", _sh("UpToCountNoBest"))),
    case("dozens-with-another-low",
         f'DELETE {{ ?c shg:low ?l }} INSERT {{ ?c shg:low 12 }} WHERE {{ {_count("dozens")} ?c shg:low ?l }}',
         ("_:", "shg:low", _sh("DozensCountLow"))),
    case("dozens-with-best",
         f'INSERT {{ ?c shg:best 30 }} WHERE {{ {_count("dozens")} }}',
         ("_:", "shg:best", _sh("DozensCountNoBest"))),
    case("approximately-without-best",
         f'DELETE {{ ?c shg:best ?b }} INSERT {{ ?c shg:low 25 }} '
         f"WHERE {{ {_count('approximately')} ?c shg:best ?b }}",
         ("_:", "shg:best", _sh("ApproximateCountBest"))),
    # ------------------------------------------------------------ curator inferences
    case("inference-property-missing",
         "DELETE { ?i shg:inferredProperty ?p } WHERE { incident:i shg:curatorInference ?i . ?i shg:inferredProperty ?p }",
         ("_:", "shg:inferredProperty", _sh("CuratorInferenceProperty"))),
    case("inference-property-literal",
         'DELETE { ?i shg:inferredProperty ?p } INSERT { ?i shg:inferredProperty "sem:hasEarliestBeginTimeStamp" } '
         "WHERE { incident:i shg:curatorInference ?i . ?i shg:inferredProperty ?p }",
         ("_:", "shg:inferredProperty", _sh("CuratorInferenceProperty"))),
    case("inference-reasoning-missing",
         "DELETE { ?i shg:reasoning ?r } WHERE { incident:i shg:curatorInference ?i . ?i shg:reasoning ?r }",
         ("_:", "shg:reasoning", _sh("CuratorInferenceReasoning"))),
    # ------------------------------------------------------------ places
    case("place-two-english-labels", 'INSERT DATA { place:mali rdfs:label "Republic of Mali"@en }',
         ("place:mali", "rdfs:label", _sh("PlaceLabel"))),
    case("place-untagged-label", 'INSERT DATA { place:gao rdfs:label "Gao" }',
         ("place:gao", "rdfs:label", _sh("LabelLanguage"))),
    case("place-no-english-label", 'DELETE DATA { place:mali rdfs:label "Mali"@en }',
         ("place:mali", "rdfs:label", _sh("PlaceEnglishLabel"))),
    case("place-precision-missing", "DELETE WHERE { place:village shg:placePrecision ?p }",
         ("place:village", "shg:placePrecision", _sh("PlacePrecision"))),
    case("place-precision-wrong-scheme", "INSERT DATA { place:sahel shg:placePrecision tprec:year }",
         ("place:sahel", "shg:placePrecision", _sh("PlacePrecision"))),
    case("place-within-not-place", "INSERT DATA { place:village geo:sfWithin actor:fama }",
         ("place:village", "geo:sfWithin", _sh("PlaceWithin"))),
    case("place-chain-broken", "DELETE DATA { place:gao geo:sfWithin place:mali }",
         ("place:gao", "geo:sfWithin+", _sh("PlaceInCountryChain")),
         ("place:village", "geo:sfWithin+", _sh("PlaceInCountryChain"))),
    case("place-geometry-untyped",
         "DELETE { ?g a geo:Geometry } WHERE { place:village geo:hasGeometry ?g }",
         ("place:village", "geo:hasGeometry", _sh("PlaceGeometry"))),
    case("geometry-malformed",
         'DELETE { ?g geo:asWKT ?w } INSERT { ?g geo:asWKT "POINT(-0.5, 16.25)"^^geo:wktLiteral } '
         "WHERE { place:village geo:hasGeometry ?g . ?g geo:asWKT ?w }",
         ("_:", "geo:asWKT", _sh("GeometryWkt"))),
    case("geometry-plain-string",
         'DELETE { ?g geo:asWKT ?w } INSERT { ?g geo:asWKT "POINT(-0.5 16.25)" } '
         "WHERE { place:village geo:hasGeometry ?g . ?g geo:asWKT ?w }",
         ("_:", "geo:asWKT", _sh("GeometryWkt"))),
    case("geometry-latitude-out-of-range",
         'DELETE { ?g geo:asWKT ?w } INSERT { ?g geo:asWKT "POINT(16.25 -95.5)"^^geo:wktLiteral } '
         "WHERE { place:village geo:hasGeometry ?g . ?g geo:asWKT ?w }",
         ("_:", "geo:asWKT", _sh("GeometryCoordinates")), ("_:", "geo:asWKT", _sh("GeometryInArea"))),
    case("geometry-longitude-out-of-range",
         'DELETE { ?g geo:asWKT ?w } INSERT { ?g geo:asWKT "POINT(181 16)"^^geo:wktLiteral } '
         "WHERE { place:village geo:hasGeometry ?g . ?g geo:asWKT ?w }",
         ("_:", "geo:asWKT", _sh("GeometryCoordinates")), ("_:", "geo:asWKT", _sh("GeometryInArea"))),
    case("geometry-latitude-and-longitude-swapped",
         'DELETE { ?g geo:asWKT ?w } INSERT { ?g geo:asWKT "POINT(16.25 -0.5)"^^geo:wktLiteral } '
         "WHERE { place:village geo:hasGeometry ?g . ?g geo:asWKT ?w }",
         ("_:", "geo:asWKT", _sh("GeometryInArea"))),
    case("bounding-box-not-a-rectangle",
         'DELETE { ?b geo:asWKT ?w } INSERT { ?b geo:asWKT "POLYGON((-12.2 10.0, 4.3 10.0, 4.3 25.0, -12.2 25.0))"^^geo:wktLiteral } '
         "WHERE { place:mali geo:hasBoundingBox ?b . ?b geo:asWKT ?w }",
         ("_:", "geo:asWKT", _sh("BoundingBoxWkt"))),
    # ------------------------------------------------------------ actors
    case("actor-label-missing", "DELETE WHERE { actor:person rdfs:label ?l }",
         ("actor:person", "rdfs:label", _sh("ActorLabel"))),
    case("actor-label-not-english",
         'DELETE WHERE { actor:group rdfs:label ?l } ; INSERT DATA { actor:group rdfs:label "Groupe armé"@fr }',
         ("actor:group", "rdfs:label", _sh("ActorLabel"))),
    case("actor-label-untagged", 'INSERT DATA { actor:agency rdfs:label "AP" }',
         ("actor:agency", "rdfs:label", _sh("LabelLanguage"))),
    case("actor-two-french-labels", 'INSERT DATA { actor:fama rdfs:label "FAMa"@fr , "Forces armées maliennes"@fr }',
         ("actor:fama", "rdfs:label", _sh("ActorLabelLanguage"))),
    case("organisation-category-missing", "DELETE WHERE { actor:fama shg:actorCategory ?c }",
         ("actor:fama", "shg:actorCategory", _sh("OrganisationCategory"))),
    case("organisation-category-wrong-scheme", "INSERT DATA { actor:agency shg:actorCategory itype:attack }",
         ("actor:agency", "shg:actorCategory", _sh("OrganisationCategory"))),
    case("anonymous-source-unaffiliated", "DELETE WHERE { actor:anon schema:affiliation ?a }",
         ("actor:anon", None, _sh("AnonymousSource"))),
    case("count-negative", f'DELETE {{ ?c shg:low ?l }} INSERT {{ ?c shg:low -1 }} WHERE {{ {_count("at-least")} ?c shg:low ?l }}',
         ("_:", "shg:low", _sh("CountLow"))),
    case("affiliation-not-actor", "INSERT DATA { actor:person schema:affiliation place:mali }",
         ("actor:person", "schema:affiliation", _sh("AffiliationActor"))),
    # ------------------------------------------------------------ text carries its language
    case("concept-untagged-pref-label", 'INSERT DATA { stance:alleges skos:prefLabel "alleges" }',
         ("stance:alleges", "skos:prefLabel", _sh("PrefLabelLanguage"))),
    case("acronym-untagged", 'INSERT DATA { actor:fama skos:altLabel "FAMa" }',
         ("actor:fama", "skos:altLabel", _sh("AltLabelLanguage"))),
    case("comment-untagged", 'INSERT DATA { place:gao rdfs:comment "A region of Mali." }',
         ("place:gao", "rdfs:comment", _sh("CommentLanguage"))),
    case("definition-untagged", 'DELETE WHERE { shg:Claim skos:definition ?d } ; INSERT DATA { shg:Claim skos:definition "A claim." }',
         ("shg:Claim", "skos:definition", _sh("DefinitionLanguage"))),
    case("job-title-untagged", 'INSERT DATA { actor:person schema:jobTitle "spokesman" }',
         ("actor:person", "schema:jobTitle", _sh("JobTitleLanguage"))),
    case("claim-label-untagged", 'DELETE WHERE { claim:c rdfs:label ?l } ; INSERT DATA { claim:c rdfs:label "Background" }',
         ("claim:c", "rdfs:label", _sh("LabelLanguage"))),
    case("inference-reasoning-untagged",
         'DELETE { ?i shg:reasoning ?r } INSERT { ?i shg:reasoning "Last Sunday." } '
         "WHERE { incident:i shg:curatorInference ?i . ?i shg:reasoning ?r }",
         ("_:", "shg:reasoning", _sh("CuratorInferenceReasoning"))),
    # ------------------------------------------------------------ ill-typed values: reported, never a crash
    case("count-low-ill-typed",
         f'DELETE {{ ?c shg:low ?l }} INSERT {{ ?c shg:low "many"^^xsd:integer ; shg:best 70 }} '
         f'WHERE {{ {_count("at-least")} ?c shg:low ?l }}',
         ("_:", "shg:low", _sh("CountLow"))),
    case("count-best-ill-typed-under-high",
         f'INSERT {{ ?c shg:high 40 }} WHERE {{ {_count("approximately")} }} ; '
         f'DELETE {{ ?c shg:best ?b }} INSERT {{ ?c shg:best "thirty"^^xsd:integer }} WHERE {{ {_count("approximately")} ?c shg:best ?b }}',
         ("_:", "shg:best", _sh("CountBest"))),
    case("event-earliest-ill-typed",
         'DELETE { incident:i sem:hasEarliestBeginTimeStamp ?d } INSERT { incident:i sem:hasEarliestBeginTimeStamp "not_a_date"^^xsd:date } '
         "WHERE { incident:i sem:hasEarliestBeginTimeStamp ?d }",
         ("incident:i", "sem:hasEarliestBeginTimeStamp", _sh("EventEarliestBegin"))),
    case("source-latest-ill-typed",
         'DELETE { source:doc2 shg:latestPublication ?d } INSERT { source:doc2 shg:latestPublication "2023-13-45"^^xsd:date } '
         "WHERE { source:doc2 shg:latestPublication ?d }",
         ("source:doc2", "shg:latestPublication", _sh("SourceLatestPublication"))),
    # ------------------------------------------------------------ source documents
    case("source-bare-scaffold",
         'INSERT DATA { source:new a shg:SourceDocument ; dcterms:title "New"@en ; shg:captureFile "new.txt" ; '
         "shg:timePrecision tprec:unknown }",
         ("source:new", "dcterms:publisher", _sh("SourcePublisher")),
         ("source:new", "^prov:wasDerivedFrom", _sh("SourceHasClaim")),
         ("source:new", None, _sh("SourceDated"))),
    case("source-without-claims",
         'INSERT DATA { source:new a shg:SourceDocument ; dcterms:title "New"@en ; shg:captureFile "new.txt" ; '
         'dcterms:publisher actor:agency ; dcterms:issued "2023-01-05"^^xsd:date ; shg:timePrecision tprec:day }',
         ("source:new", "^prov:wasDerivedFrom", _sh("SourceHasClaim"))),
    case("coded-claim-identifier-missing", "DELETE WHERE { claim:ds-1 dcterms:identifier ?i }",
         ("claim:ds-1", "dcterms:identifier", _sh("CodedClaimIdentifier"))),
    case("coded-claim-from-an-article", "INSERT DATA { claim:ds-1 prov:wasDerivedFrom source:doc2 }",
         ("claim:ds-1", "prov:wasDerivedFrom", _sh("CodedClaimRelease")),
         ("claim:ds-1", "prov:wasDerivedFrom", _sh("ClaimDerivedFrom"))),
    case("coded-claim-cited-sources-twice", 'INSERT DATA { claim:ds-1 shg:citedSources "Another wire" }',
         ("claim:ds-1", "shg:citedSources", _sh("CodedClaimCitedSources"))),
    case("estimate-without-low",
         "DELETE { ?c shg:low ?v } WHERE { claim:ds-1 shg:count ?c . ?c shg:countQualifier cqual:estimate ; shg:low ?v }",
         ("_:", "shg:low", _sh("EstimateCountLow"))),
    case("estimate-without-best",
         "DELETE { ?c shg:best ?v } WHERE { claim:ds-1 shg:count ?c . ?c shg:countQualifier cqual:estimate ; shg:best ?v }",
         ("_:", "shg:best", _sh("EstimateCountBest"))),
    case("estimate-without-high",
         "DELETE { ?c shg:high ?v } WHERE { claim:ds-1 shg:count ?c . ?c shg:countQualifier cqual:estimate ; shg:high ?v }",
         ("_:", "shg:high", _sh("EstimateCountHigh"))),
    case("count-victim-party-not-an-actor",
         "INSERT { ?c shg:victimParty place:mali } WHERE { claim:ds-1 shg:count ?c . ?c shg:subtotal true }",
         ("_:", "shg:victimParty", _sh("CountVictimParty"))),
    case("count-counted-status-outside-its-scheme",
         "DELETE { ?c shg:countedStatus ?s } INSERT { ?c shg:countedStatus stance:reports } "
         "WHERE { claim:ds-1 shg:count ?c . ?c shg:countedStatus ?s }",
         ("_:", "shg:countedStatus", _sh("CountCountedStatus"))),
    case("release-version-missing", "DELETE WHERE { source:ds-1 owl:versionInfo ?v }",
         ("source:ds-1", "owl:versionInfo", _sh("DatasetReleaseVersion"))),
    case("release-license-as-text",
         'DELETE { source:ds-1 dcterms:license ?l } INSERT { source:ds-1 dcterms:license "CC BY 4.0" } '
         "WHERE { source:ds-1 dcterms:license ?l }",
         ("source:ds-1", "dcterms:license", _sh("DatasetReleaseLicense"))),
    case("match-without-candidate",
         "DELETE { ?m shg:matchCandidate ?c } WHERE { incident:ds-1 shg:proposedMatch ?m . ?m shg:matchCandidate ?c }",
         ("_:", "shg:matchCandidate", _sh("IncidentMatchCandidate"))),
    case("match-score-above-one",
         "DELETE { ?m shg:matchScore ?s } INSERT { ?m shg:matchScore 1.5 } "
         "WHERE { incident:ds-1 shg:proposedMatch ?m . ?m shg:matchScore ?s }",
         ("_:", "shg:matchScore", _sh("IncidentMatchScore"))),
    case("source-publisher-missing", "DELETE WHERE { source:doc2 dcterms:publisher ?p }",
         ("source:doc2", "dcterms:publisher", _sh("SourcePublisher"))),
    case("source-undated", "DELETE WHERE { source:doc dcterms:issued ?d }",
         ("source:doc", None, _sh("SourceDated"))),
    case("source-capture-file-missing", "DELETE WHERE { source:doc2 shg:captureFile ?c }",
         ("source:doc2", "shg:captureFile", _sh("CapturedSourceFile"))),
    case("source-title-untagged", 'DELETE WHERE { source:doc dcterms:title ?t } ; INSERT DATA { source:doc dcterms:title "Title" }',
         ("source:doc", "dcterms:title", _sh("SourceTitle"))),
    case("source-title-missing", "DELETE WHERE { source:doc dcterms:title ?t }",
         ("source:doc", "dcterms:title", _sh("SourceTitle"))),
    case("source-title-twice", 'INSERT DATA { source:doc2 dcterms:title "Title"@en }',
         ("source:doc2", "dcterms:title", _sh("SourceTitle"))),
    case("source-capture-file-twice", 'INSERT DATA { source:doc shg:captureFile "other.txt" }',
         ("source:doc", "shg:captureFile", _sh("SourceCaptureFile"))),
    case("source-publisher-string", 'INSERT DATA { source:doc2 dcterms:publisher "AP" }',
         ("source:doc2", "dcterms:publisher", _sh("SourcePublisher"))),
    case("source-creator-not-actor", "INSERT DATA { source:doc dcterms:creator place:mali }",
         ("source:doc", "dcterms:creator", _sh("SourceCreator"))),
    case("source-issued-datetime",
         'DELETE WHERE { source:doc dcterms:issued ?d } ; '
         'INSERT DATA { source:doc dcterms:issued "2023-01-05T10:00:00"^^xsd:dateTime }',
         ("source:doc", "dcterms:issued", _sh("SourceIssued"))),
    case("source-earliest-after-latest",
         'DELETE WHERE { source:doc2 shg:earliestPublication ?d } ; '
         'INSERT DATA { source:doc2 shg:earliestPublication "2023-02-15"^^xsd:date }',
         ("source:doc2", "shg:earliestPublication", _sh("SourceEarliestPublication"))),
    case("source-latest-twice", 'INSERT DATA { source:doc2 shg:latestPublication "2023-02-28"^^xsd:date }',
         ("source:doc2", "shg:latestPublication", _sh("SourceLatestPublication"))),
    case("source-time-precision-missing", "DELETE WHERE { source:doc2 shg:timePrecision ?p }",
         ("source:doc2", "shg:timePrecision", _sh("SourceTimePrecision"))),
    # ------------------------------------------------------------ passage marks
    case("mark-motivation-wrong", "DELETE { ?m oa:motivatedBy ?x } INSERT { ?m oa:motivatedBy oa:commenting } WHERE { ?m oa:motivatedBy ?x }",
         ("_:", "oa:motivatedBy", _sh("PassageMarkMotivation"))),
    case("mark-role-wrong-scheme", "DELETE { ?m oa:hasBody ?x } INSERT { ?m oa:hasBody stance:reports } WHERE { ?m oa:hasBody ?x }",
         ("_:", "oa:hasBody", _sh("PassageMarkRole"))),
    case("mark-reason-missing", "DELETE { ?m rdfs:comment ?x } WHERE { ?m a oa:Annotation ; rdfs:comment ?x }",
         ("_:", "rdfs:comment", _sh("PassageMarkReason"))),
    case("mark-target-missing", "DELETE { ?m oa:hasTarget ?x } WHERE { ?m oa:hasTarget ?x }",
         ("_:", "oa:hasTarget", _sh("PassageMarkTarget"))),
    case("mark-target-source-missing", "DELETE { ?x oa:hasSource ?s } WHERE { ?x oa:hasSource ?s }",
         ("_:", "oa:hasSource", _sh("MarkedPassageSource"))),
    case("mark-target-selector-missing", "DELETE { ?x oa:hasSelector ?s } WHERE { ?x oa:hasSelector ?s }",
         ("_:", "oa:hasSelector", _sh("MarkedPassageSelector"))),
    case("mark-selector-empty",
         'DELETE { ?s oa:exact ?e } INSERT { ?s oa:exact "" } WHERE { ?x oa:hasSelector ?s . ?s oa:exact ?e }',
         ("_:", "oa:exact", _sh("QuoteExact"))),
    # ------------------------------------------------------------ speakers and groups
    case("speaker-source-type-missing", "DELETE WHERE { actor:agency shg:sourceType ?t }",
         ("actor:agency", "shg:sourceType", _sh("SpeakerSourceType"))),
    case("speaker-source-scale-wrong-scheme",
         "DELETE WHERE { actor:person shg:sourceScale ?s } ; INSERT DATA { actor:person shg:sourceScale pprec:village }",
         ("actor:person", "shg:sourceScale", _sh("SpeakerSourceScale"))),
    case("group-with-affiliation", "INSERT DATA { actor:sources schema:affiliation actor:group }",
         ("actor:sources", "schema:affiliation", _sh("GroupNoAffiliation"))),
    case("group-member-not-actor", "INSERT DATA { actor:sources schema:member place:mali }",
         ("actor:sources", "schema:member", _sh("GroupMember"))),
    # ------------------------------------------------------------ places
    case("place-exact-match-wrong-form", "INSERT DATA { place:gao skos:exactMatch <https://www.geonames.org/2457163> }",
         ("place:gao", "skos:exactMatch", _sh("PlaceExactMatch"))),
    # ------------------------------------------------------------ retired IRIs and terms
    case("retired-iri-with-more", 'INSERT DATA { incident:old rdfs:label "Old"@en }',
         ("incident:old", "rdfs:label", _sh("RetiredIri"))),
    case("retired-iri-still-used", "INSERT DATA { claim:b shg:about incident:old }",
         ("incident:old", "shg:about", _sh("RetiredIri")), ("claim:b", "shg:about", _sh("ClaimAbout"))),
    case("retired-iri-two-replacements", "INSERT DATA { incident:old dcterms:isReplacedBy event:ctx }",
         ("incident:old", "dcterms:isReplacedBy", _sh("RetiredIriReplacement"))),
    case("deprecated-term-used", "INSERT DATA { claim:a shg:method method:looting }",
         ("method:looting", "shg:method", _sh("DeprecatedTermUse"))),
    # ------------------------------------------------------------ French labels
    case("ontology-term-french-label", 'DELETE WHERE { shg:about rdfs:label "porte sur"@fr }',
         ("shg:about", "rdfs:label", _sh("OntologyTermFrenchLabel"))),
    case("concept-french-pref-label", 'DELETE DATA { stance:alleges skos:prefLabel "allègue"@fr }',
         ("stance:alleges", "skos:prefLabel", _sh("ConceptFrenchPrefLabel"))),
    case("concept-scheme-french-pref-label",
         'DELETE DATA { <https://w3id.org/sahel-harm/vocab/stance> skos:prefLabel "Position"@fr }',
         ("<https://w3id.org/sahel-harm/vocab/stance>", "skos:prefLabel", _sh("ConceptSchemeFrenchPrefLabel"))),
]

#: Variants of BASE that must stay valid: edge cases of the rules above.
PASSING: dict[str, str] = {
    "base": "",
    "reports-needs-no-target": (
        "DELETE { claim:b shg:stance ?s ; shg:respondsTo ?c } INSERT { claim:b shg:stance stance:reports } "
        "WHERE { claim:b shg:stance ?s ; shg:respondsTo ?c }"
    ),
    "confirms-with-target": (
        "DELETE { claim:b shg:stance ?s } INSERT { claim:b shg:stance stance:confirms } WHERE { claim:b shg:stance ?s }"
    ),
    "event-without-time-or-place": "DELETE WHERE { event:ctx sem:hasPlace ?p }",
    "anonymous-source-with-category-only": (
        "DELETE { actor:anon schema:affiliation ?a } INSERT { actor:anon shg:actorCategory acat:analysts } "
        "WHERE { actor:anon schema:affiliation ?a }"
    ),
    "inference-covering-both-bounds": (
        "INSERT { ?i shg:inferredProperty sem:hasLatestEndTimeStamp } WHERE { incident:i shg:curatorInference ?i }"
    ),
    "one-day-window": (
        'DELETE { incident:i sem:hasLatestEndTimeStamp ?d } INSERT { incident:i sem:hasLatestEndTimeStamp "2023-01-01"^^xsd:date } '
        "WHERE { incident:i sem:hasLatestEndTimeStamp ?d }"
    ),
    "range-count": (
        'INSERT DATA { claim:b shg:count [ a shg:Count ; shg:countType ctype:killed ; shg:countQualifier cqual:more-than ; '
        'shg:low 10 ; shg:best 12 ; shg:high 15 ] }'
    ),
    "dozens-count": (
        'INSERT DATA { claim:b shg:count [ a shg:Count ; shg:countType ctype:killed ; shg:countQualifier cqual:dozens ; '
        'shg:low 24 ] }'
    ),
    "place-directly-in-country": "DELETE DATA { place:village geo:sfWithin place:gao } ; INSERT DATA { place:village geo:sfWithin place:mali }",
    "geometry-extremes": (  # on a place within no bounding box: only the globe's range applies
        'INSERT DATA { place:sahel geo:hasGeometry [ a geo:Geometry ; geo:asWKT "POINT(-180 90.0)"^^geo:wktLiteral ] }'
    ),
    "point-on-the-edge-of-its-country": (
        'DELETE { ?g geo:asWKT ?w } INSERT { ?g geo:asWKT "POINT(4.3 10.0)"^^geo:wktLiteral } '
        "WHERE { place:village geo:hasGeometry ?g . ?g geo:asWKT ?w }"
    ),
    "place-without-box-above-it": "DELETE WHERE { place:mali geo:hasBoundingBox ?b . ?b ?p ?o }",
    "geometry-iri": (
        "DELETE { place:village geo:hasGeometry ?g . ?g ?p ?o } "
        'INSERT { place:village geo:hasGeometry place:village-point . place:village-point a geo:Geometry ; '
        'geo:asWKT "POINT(-0.5 16.25)"^^geo:wktLiteral } WHERE { place:village geo:hasGeometry ?g . ?g ?p ?o }'
    ),
    "actor-with-french-label": 'INSERT DATA { actor:fama rdfs:label "Forces armées maliennes"@fr }',
    "quote-language-tagged": (
        'DELETE { ?q oa:exact ?e } INSERT { ?q oa:exact "Contexte"@fr } WHERE { claim:c shg:quote ?q . ?q oa:exact ?e }'
    ),
}
