# Tryout: the two commands are `make run` and `make test`.
.PHONY: run test stop bench lint fmt build

run: ## install what is missing, start services, run API + web + admin + worker
	@scripts/run.sh

test: ## run every test against real Redis, MinIO, FerretDB and ffmpeg
	@scripts/test.sh

stop: ## stop the local Redis and MinIO started by `make run`
	@scripts/services.sh stop

bench: ## speed and memory figures, one BENCH line each (not part of test/CI)
	@scripts/bench.sh

build:
	go build -o .bin/tryout ./cmd/tryout

lint:
	go vet ./...
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

fmt:
	gofmt -w .
