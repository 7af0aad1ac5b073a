# anchorage.registry: one entry point for the lab, the demo and every test.
#   make demo        bring up the local lab and deploy a registry on it (idempotent)
#   make demo-down   remove the lab
#   make test        lint, docs and changelog lint, sanity, unit tests, build, EE context, AWX jobs, molecule
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

ROOT := $(CURDIR)
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
BUILD := $(ROOT)/.build
# The collection as Ansible finds it: ansible_collections/anchorage/registry -> this checkout.
COLLECTIONS := $(BUILD)/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/anchorage/registry
SCENARIOS ?= $(notdir $(patsubst %/molecule.yml,%,$(wildcard molecule/*/molecule.yml)))

export PATH := $(VENV)/bin:$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PYTHONPATH := $(COLLECTIONS)
# The lab machines set AWS_CA_BUNDLE; Distribution panics on it, and nothing here needs it.
unexport AWS_CA_BUNDLE

.PHONY: help
help:
	@echo "make demo | demo-down | test | lint | sanity | unit | build | molecule [SCENARIO=name] | venv | lab-images"
	@echo "make docs-lint | docsite | changelog-lint | ee | matrix | conformance | awx"

$(VENV)/.stamp: requirements/controller.txt requirements/test.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements/test.txt
	touch $@

.PHONY: venv
venv: $(VENV)/.stamp $(COLLECTION_LINK)

$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn $(ROOT) $@

# The Docker engine and the Debian tools the lab needs (root on Debian 12).
.PHONY: host-deps
host-deps:
	bash lab/host-deps.sh

.PHONY: lab-images
lab-images: host-deps
	bash lab/build-images.sh

# Prism (lab/prism, pinned by its lock file), the OpenAPI validating proxy the Harbor API module
# tests put in front of their test double. Debian 12's own nodejs and npm when npm is missing.
PRISM_STAMP := $(ROOT)/lab/prism/node_modules/.stamp

$(PRISM_STAMP): lab/prism/package.json lab/prism/package-lock.json
	command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq nodejs npm; }
	npm ci --prefix lab/prism --no-fund --no-audit --ignore-scripts
	touch $@

.PHONY: prism
prism: $(PRISM_STAMP)

.PHONY: unit
unit: venv host-deps prism
	$(PY) -m pytest -q tests/unit

# ansible-lint runs offline (.ansible-lint) with its Ansible home in .build, so it neither installs
# this collection into ~/.ansible/collections nor reads one from there. A copy older runs left
# there goes: molecule would prefer it to the checkout.
.PHONY: lint
lint: venv
	rm -rf $(HOME)/.ansible/collections/ansible_collections/anchorage/registry
	ANSIBLE_HOME=$(BUILD)/ansible-lint-home ansible-lint --profile production

GALAXY_IMPORTER_VENV := $(BUILD)/galaxy-importer

$(GALAXY_IMPORTER_VENV)/.stamp: requirements/galaxy-importer.txt requirements/controller.txt
	python3 -m venv $(GALAXY_IMPORTER_VENV)
	$(GALAXY_IMPORTER_VENV)/bin/pip install --quiet --upgrade pip
	$(GALAXY_IMPORTER_VENV)/bin/pip install --quiet -r requirements/galaxy-importer.txt
	touch $@

# Galaxy's own importer on the release tarball, in a venv of its own; any warning fails.
.PHONY: galaxy-import
galaxy-import: venv $(GALAXY_IMPORTER_VENV)/.stamp
	bash lab/galaxy-import.sh $(GALAXY_IMPORTER_VENV)

.PHONY: sanity
sanity: venv
	bash lab/run-sanity.sh

.PHONY: build
build: venv
	bash lab/check-build.sh

.PHONY: molecule
molecule: venv lab-images
	bash lab/molecule.sh $(if $(SCENARIO),$(SCENARIO),$(SCENARIOS))

# The guides in docs/*.md rendered to the docsite's RST pages (docs/docsite/rst).
.PHONY: docsite
docsite: venv
	python lab/docsite.py

# antsibull-docs lint of plugin and extra docs, the RST pages current, the docsite built.
.PHONY: docs-lint
docs-lint: venv
	bash lab/docs-lint.sh

# antsibull-changelog lint, and the release on a copy of the collection (the checkout stays as it is).
.PHONY: changelog-lint
changelog-lint: venv
	bash lab/changelog-lint.sh

# The execution environment's build context (ansible-builder create) around the release tarball;
# the image needs a base image these machines cannot pull.
.PHONY: ee
ee: build
	bash lab/ee.sh

# The OCI conformance suite (Go, lab/conformance) against Distribution configured as the registry
# role configures it; docs/conformance.md says which parts pass.
.PHONY: conformance
conformance: venv host-deps
	bash lab/conformance/run.sh

# Unit tests on every other supported ansible-core minor, sanity in full on the newest, and on the
# oldest validate-modules and the target Python 3.8 compile/import tests (lab/version-matrix.sh;
# make unit and make sanity run 2.19).
.PHONY: matrix
matrix: venv host-deps prism
	bash lab/version-matrix.sh

# Jobs as AWX runs them: ansible-runner with a private data directory per job (tests/awx).
.PHONY: awx
awx: venv host-deps prism
	$(PY) -m pytest -q -p no:cacheprovider tests/awx

# `matrix` (other ansible-core minors) and `conformance` take 20-30 minutes more than CI's budget
# leaves: they run on their own (make matrix, make conformance), not in make test.
.PHONY: test
test: lint docs-lint changelog-lint ee sanity unit build awx molecule

.PHONY: demo
demo: venv lab-images
	bash lab/demo.sh up

.PHONY: demo-down
demo-down: venv
	bash lab/demo.sh down
