# Plain entry point over CMake. `make run` = the main job, `make test` = the tests.
SHARED ?= ../shared
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
MODEL ?= $(SHARED)/models/resnet50v2_224_int8.tflite

.PHONY: all setup build run test install asan firmware fuzz valgrind cross clean
all: build

setup:
	scripts/setup

build: setup
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build -j$(JOBS)

# Main job: report on the embedded default (int8 ResNet50V2 224, built once and
# cached), then the bit-exact check of the shared model against the TFLM golden.
run: build
	./build/r50 report
	./build/r50 run --time $(MODEL) $(SHARED)/golden/resnet50v2_224_int8/grace_hopper.in.bin build/grace_hopper.out.bin
	cmp build/grace_hopper.out.bin $(SHARED)/golden/resnet50v2_224_int8/grace_hopper.out.bin && echo "output identical to the TFLite Micro golden"

test: build
	ctest --test-dir build --output-on-failure -j$(JOBS)

# r50, libr50.a, r50.h and r50.pc under PREFIX (DESTDIR for staging). Cross builds:
# cmake --install build-aarch64 --prefix /usr (docs/porting-stm32mp.md).
PREFIX ?= /usr/local
install: build
	DESTDIR=$(DESTDIR) cmake --install build --prefix $(PREFIX)

# Cortex-M7 build of the generated ResNet-8 and MobileNetV2 under QEMU mps2-an500:
# the DSP kernels against the reference (kernels-test), then every golden byte for byte,
# instruction counts (firmware/run.sh; FW_MODELS=resnet50v2 for the an547 run).
firmware: build
	$(MAKE) -C firmware kernels-test
	firmware/run.sh $(FW_MODELS)

asan: setup
	CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DR50_SANITIZE=ON >/dev/null
	cmake --build build-asan -j$(JOBS)
	R50_GOLDEN_MAX=1 ctest --test-dir build-asan --output-on-failure -j$(JOBS)

# libFuzzer harnesses (clang, build-fuzz/): each fuzzer FUZZ_SECONDS, seeds built at run time
# (tests/fuzz/run.sh; docs/robustness.md).
FUZZ_SECONDS ?= 60
fuzz: setup
	tests/fuzz/run.sh $(FUZZ_SECONDS)

# The test executables (Release build) under valgrind memcheck (tests/valgrind.sh).
valgrind: build
	tests/valgrind.sh build

# Arm Linux cross builds (cmake/aarch64-linux-gnu.cmake, cmake/arm-linux-gnueabihf.cmake):
# NEON kernel tests + goldens under qemu-aarch64 -cpu cortex-a35 / -cpu max and qemu-arm
# -cpu cortex-a7 (tests/cross.sh; docs/porting-stm32mp.md).
cross: setup
	tests/cross.sh $(SHARED)

clean:
	rm -rf build build-asan build-fuzz build-aarch64 build-armhf
