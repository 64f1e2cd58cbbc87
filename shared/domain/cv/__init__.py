"""CV reading rules: CV text -> ProfileDraft (sections, dates, jobs, facts), pure text rules.

Nothing is imported here, so that the rules load on the first CV read (``shared.domain.cv.draft``),
not whenever the package is touched.
"""
