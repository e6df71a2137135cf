"""Continuous integration: the pipeline files Carnet writes for GitHub Actions and GitLab
CI (:mod:`generator.ci.pipelines`), and the problem reports those platforms show on the
files (:mod:`generator.ci.annotations`)."""
