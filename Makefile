# Tryout: the two commands are `make run` and `make test`.
.PHONY: run test stop bench lint fmt build

run: ## install what is missing, start services, run API + web + admin + worker
	@scripts/run.sh

test: lint ## lint, then every test against real Redis, MinIO, FerretDB and ffmpeg
	@scripts/test.sh

stop: ## stop the local Redis and MinIO started by `make run`
	@scripts/services.sh stop

bench: ## speed and memory figures, one BENCH line each (not part of test/CI)
	@scripts/bench.sh

build:
	go build -o .bin/tryout ./cmd/tryout

lint: ## gofmt check, go vet and staticcheck (pinned in scripts/lib.sh)
	@scripts/lint.sh

fmt:
	gofmt -w .
