"""The offline heuristic provider on every readable CV of the kit.

Expected skills were read off each CV by a person (see cv_texts.py for how the text is made);
each is something a recruiter would see on the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.heuristic_provider import HeuristicProfileProvider
from shared.domain.cv.facts import CV_LANGUAGE_LEVEL
from shared.domain.profiles import ProfileDraft
from shared.domain.text import normalise_space, quote_occurs
from tests.unit.cv_texts import READABLE, cv_text

# fmt: off
EXPECTED_SKILLS = {
    "fullstack-dev_john-doe_latex_2p": {
        "Java", "Spring Boot", "Spring MVC", "Hibernate", "Angular", "JavaScript", "TypeScript", "HTML",
        "CSS", "Bootstrap", "REST APIs", "MySQL", "MongoDB", "NoSQL", "Agile", "Scrum", "Git", "GitHub",
        "JUnit", "Mockito", "Docker", "Java EE",
    },
    "frontend-dev_barry-allen_moderncv_1p": {
        "JavaScript", "TypeScript", "HTML", "CSS", "Python", "React", "Redux", "Angular", "Vue.js",
        "Node.js", "Express.js", "D3.js", "Git", "Docker", "Webpack", "Babel", "Google Cloud Platform",
        "Firebase", "Firestore", "REST APIs", "GraphQL", "Test-driven development", "Responsive design",
    },
    "senior-swe_two-column_chromium_1p": {
        "Go", "Python", "Node.js", "TypeScript", "JavaScript", "SQL", "PostgreSQL", "Redis", "NoSQL",
        "Apache Kafka", "Elasticsearch", "GraphQL", "gRPC", "Amazon Web Services", "Amazon ECS",
        "AWS Lambda", "Amazon S3", "Amazon RDS", "Docker", "Kubernetes", "Terraform", "CI/CD",
        "Microsoft Azure", "Datadog", "PagerDuty", "Microservices", "Distributed systems", "SQLite",
        "WebSockets", "WebGL", "Feature flags", "A/B testing",
    },
    "devops-architect_awesome-cv_3p": {
        "Amazon Web Services", "Kubernetes", "Terraform", "Docker", "Istio", "Cilium", "Consul",
        "Kustomize", "Argo CD", "Okta", "Apache Kafka", "Elasticsearch", "Kibana", "Logstash", "Grafana",
        "InfluxDB", "Telegraf", "Kong", "CircleCI", "Rancher", "Node.js", "Koa", "AWS Lambda",
        "Amazon CloudWatch", "Amazon EKS", "Amazon EC2", "OpenVPN", "Packer", "Site reliability engineering",
    },
    "swe-new-grad_deedy_two-column_1p": {
        "Java", "Shell scripting", "Python", "JavaScript", "OCaml", "MATLAB", "Ruby on Rails", "LaTeX",
        "C", "C++", "CSS", "PHP", "Assembly", "ActionScript", "iOS", "Android", "MySQL", "Scala",
        "Backbone.js",
    },
    "data-analyst_brilliant-cv_typst-photo_1p": {
        "SQL", "Python", "Tableau", "Amazon Web Services", "Microsoft Excel", "Pandas", "NumPy",
        "PostgreSQL", "Snowflake", "Dataiku", "Spark SQL", "Machine learning", "Natural language processing",
        "Data visualization",
    },
    "product-manager_alfred-pennyworth_moderncv_2p": {
        "Product management", "Agile", "Leadership", "Communication", "Project management",
        "Market research", "Data analysis", "Java", "Python", "JavaScript", "HTML", "CSS", "SQL",
        "Amazon Web Services", "Raspberry Pi", "User experience design",
    },
    "teacher_ncsu-style_unencrypted_3p": {"Teaching", "Tutoring", "Adobe Dreamweaver", "Web design"},
}
# fmt: on


@pytest.fixture
def provider(clock: ManualClock) -> HeuristicProfileProvider:
    """The provider with "Present" meaning the test clock's date (2026-01)."""
    return HeuristicProfileProvider(clock)


def draft_of(provider: HeuristicProfileProvider, shared_data: Path, stem: str) -> ProfileDraft:
    return provider.generate(cv_text(shared_data, stem)).draft


class TestSkillsOnTheKitCvs:
    @pytest.mark.parametrize("stem", sorted(EXPECTED_SKILLS))
    def test_finds_the_skills_a_reader_sees(
        self, provider: HeuristicProfileProvider, shared_data: Path, stem: str
    ) -> None:
        draft = draft_of(provider, shared_data, stem)

        missing = EXPECTED_SKILLS[stem] - {s.name for s in draft.skills}

        assert missing == set()

    def test_teacher_cv_yields_no_programming_language(
        self, provider: HeuristicProfileProvider, shared_data: Path
    ) -> None:
        draft = draft_of(provider, shared_data, "teacher_ncsu-style_unencrypted_3p")

        assert [s.name for s in draft.skills if s.category == "language"] == []

    def test_placeholder_spanish_cv_yields_no_skills(
        self, provider: HeuristicProfileProvider, shared_data: Path
    ) -> None:
        draft = draft_of(provider, shared_data, "es_cv-template_moderncv_2p")

        assert draft.skills == []

    @pytest.mark.parametrize("stem", READABLE)
    def test_every_evidence_quote_occurs_in_the_cv(
        self, provider: HeuristicProfileProvider, shared_data: Path, stem: str
    ) -> None:
        text = normalise_space(cv_text(shared_data, stem))

        draft = draft_of(provider, shared_data, stem)

        assert [s.name for s in draft.skills if not quote_occurs(s.evidence, text)] == []

    @pytest.mark.parametrize("stem", READABLE)
    def test_each_skill_is_listed_once(
        self, provider: HeuristicProfileProvider, shared_data: Path, stem: str
    ) -> None:
        names = [s.name for s in draft_of(provider, shared_data, stem).skills]

        assert len(names) == len(set(names))


class TestDeterminism:
    @pytest.mark.parametrize("stem", READABLE)
    def test_output_is_byte_identical_across_runs(
        self, clock: ManualClock, shared_data: Path, stem: str
    ) -> None:
        text = cv_text(shared_data, stem)

        first = HeuristicProfileProvider(clock).generate(text).draft.model_dump_json()
        second = HeuristicProfileProvider(clock).generate(text).draft.model_dump_json()

        assert first == second

    def test_is_labelled_heuristic_and_costs_no_tokens(self, provider: HeuristicProfileProvider) -> None:
        result = provider.generate("Python developer")

        assert (result.provider, result.model, result.token_usage.total_tokens) == (
            "heuristic",
            "heuristic-v1",
            0,
        )


class TestExperienceAndSeniority:
    def test_senior_engineer_years_run_from_first_job_to_present(
        self, provider: HeuristicProfileProvider, shared_data: Path
    ) -> None:
        draft = draft_of(provider, shared_data, "senior-swe_two-column_chromium_1p")

        # Jul 2019 - May 2021, Jun 2021 - Dec 2022, Jan 2023 - Present (the clock's Jan 2026).
        assert draft.years_experience == pytest.approx(6.5, abs=0.1)
        assert draft.seniority == "senior"

    def test_senior_engineer_work_history_has_titles_employers_and_dates(
        self, provider: HeuristicProfileProvider, shared_data: Path
    ) -> None:
        draft = draft_of(provider, shared_data, "senior-swe_two-column_chromium_1p")

        jobs = [(w.title, w.employer, w.start, w.end, w.current) for w in draft.work_history]

        assert jobs == [
            ("Senior Software Engineer", "Stripe", "2023-01", None, True),
            ("Software Engineer", "Figma", "2021-06", "2022-12", False),
            ("Software Engineer", "Notion", "2019-07", "2021-05", False),
        ]

    def test_one_line_jobs_split_into_title_and_employer(
        self, provider: HeuristicProfileProvider, shared_data: Path
    ) -> None:
        draft = draft_of(provider, shared_data, "fullstack-dev_john-doe_latex_2p")

        first = draft.work_history[0]

        assert (first.title, first.employer, first.start, first.current) == (
            "Full Stack Java Developer",
            "ABC Company, Inc.",
            "2018-06",
            True,
        )

    def test_product_manager_has_over_twenty_years(
        self, provider: HeuristicProfileProvider, shared_data: Path
    ) -> None:
        draft = draft_of(provider, shared_data, "product-manager_alfred-pennyworth_moderncv_2p")

        assert draft.years_experience is not None
        assert draft.years_experience > 20

    def test_a_cv_dated_by_its_author_resolves_present_to_that_date(
        self, provider: HeuristicProfileProvider, shared_data: Path
    ) -> None:
        # "Last Updated on 21st January 2015": a new graduate then, whatever today's date is.
        draft = draft_of(provider, shared_data, "swe-new-grad_deedy_two-column_1p")

        assert draft.seniority == "junior"
        assert draft.years_experience is not None
        assert draft.years_experience < 2

    def test_student_teacher_is_an_intern(
        self, provider: HeuristicProfileProvider, shared_data: Path
    ) -> None:
        draft = draft_of(provider, shared_data, "teacher_ncsu-style_unencrypted_3p")

        assert draft.seniority == "intern"
        assert draft.headline == "Student Teacher"

    def test_director_title_is_executive(self, provider: HeuristicProfileProvider, shared_data: Path) -> None:
        draft = draft_of(provider, shared_data, "data-analyst_brilliant-cv_typst-photo_1p")

        assert draft.seniority == "executive"


class TestOtherFacts:
    def test_spoken_languages_from_a_languages_section(
        self, provider: HeuristicProfileProvider, shared_data: Path
    ) -> None:
        draft = draft_of(provider, shared_data, "data-analyst_brilliant-cv_typst-photo_1p")

        assert [lang.name for lang in draft.languages] == ["English", "French", "Chinese"]

    def test_fluent_in_phrase_gives_language_and_level(
        self, provider: HeuristicProfileProvider, shared_data: Path
    ) -> None:
        draft = draft_of(provider, shared_data, "teacher_ncsu-style_unencrypted_3p")

        assert [(lang.name, lang.level) for lang in draft.languages] == [
            ("Spanish", "Fluent"),
            ("English", CV_LANGUAGE_LEVEL),  # the language the CV is written in
        ]

    @pytest.mark.parametrize(
        ("stem", "location"),
        [
            ("senior-swe_two-column_chromium_1p", "San Francisco, CA"),
            ("devops-architect_awesome-cv_3p", "Seoul, Republic of Korea"),
            ("teacher_ncsu-style_unencrypted_3p", "Raleigh, NC"),
        ],
    )
    def test_location_from_the_header(
        self, provider: HeuristicProfileProvider, shared_data: Path, stem: str, location: str
    ) -> None:
        assert location in draft_of(provider, shared_data, stem).locations

    def test_education_pairs_degree_and_institution(
        self, provider: HeuristicProfileProvider, shared_data: Path
    ) -> None:
        draft = draft_of(provider, shared_data, "swe-new-grad_deedy_two-column_1p")

        degrees = [(e.degree, e.institution, e.end) for e in draft.education]

        assert ("BS IN COMPUTER SCIENCE", "CORNELL UNIVERSITY", "2014") in degrees

    def test_certifications_section_lines(
        self, provider: HeuristicProfileProvider, shared_data: Path
    ) -> None:
        draft = draft_of(provider, shared_data, "fullstack-dev_john-doe_latex_2p")

        assert draft.certifications == [
            "Oracle Certified Professional, Java SE 8 Programmer",
            "Certified Angular Developer",
        ]

    def test_text_without_a_cv_gives_an_empty_profile(self, provider: HeuristicProfileProvider) -> None:
        draft = provider.generate("test example").draft

        assert (draft.skills, draft.work_history, draft.seniority, draft.years_experience) == (
            [],
            [],
            "unknown",
            None,
        )
