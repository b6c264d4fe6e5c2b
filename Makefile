# SPDX-License-Identifier: GPL-2.0-only
# fabricctl build: src/*.c + bpf/*.bpf.c (clang -> bpftool gen skeleton) -> build/fabricctl

CC        ?= cc
CLANG     ?= clang
BPFTOOL   ?= bpftool
PKG_CONFIG ?= pkg-config
PREFIX    ?= /usr/local
DESTDIR   ?=
BUILD     ?= build
SANITIZE  ?=

VERSION   := 0.1.0
ARCH      := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)

LIBS_PC   := libbpf libmnl libelf
PC_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(LIBS_PC) 2>/dev/null)
PC_LIBS   := $(shell $(PKG_CONFIG) --libs $(LIBS_PC) 2>/dev/null || echo -lbpf -lmnl -lelf)

WARNINGS  := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
CFLAGS    ?= -O2 -g
CFLAGS    += -std=gnu11 $(WARNINGS) -Werror -D_GNU_SOURCE -DFABRICCTL_VERSION='"$(VERSION)"' \
	     -Iinclude -I$(BUILD) $(PC_CFLAGS)
ifneq ($(SANITIZE),)
CFLAGS    += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS   += -fsanitize=$(SANITIZE)
endif
LDLIBS    += $(PC_LIBS) -lz -lm -pthread

BPF_CFLAGS := -O2 -g -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -Iinclude \
	      $(if $(MULTIARCH),-I/usr/include/$(MULTIARCH))

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
BPF_SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))

SRCS      := $(wildcard src/*.c)
OBJS      := $(patsubst src/%.c,$(BUILD)/%.o,$(SRCS))
LIB_OBJS  := $(filter-out $(BUILD)/main.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
# Keep the BPF object and skeleton: make would delete them as intermediates.
.SECONDARY: $(BPF_OBJS) $(BPF_SKELS)
.PHONY: all check unit integration demo bench install uninstall clean format deps fuzz fuzz-check

all: $(BUILD)/fabricctl

$(BUILD):
	$(Q)mkdir -p $(BUILD) $(BUILD)/unit

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(wildcard include/*.h) | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(basename $(basename $(notdir $<)))_skel > $@

$(BUILD)/%.o: src/%.c $(wildcard include/*.h) $(BPF_SKELS) | $(BUILD)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/fabricctl: $(OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/unit/%: tests/unit/%.c $(LIB_OBJS) tests/unit/unit.h | $(BUILD)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) $< $(LIB_OBJS) -o $@ $(LDLIBS)

# Build dependencies first (installs what is missing, as root), then every test.
deps:
	$(Q)tools/install-deps.sh

check: deps
	$(Q)$(MAKE) --no-print-directory all $(UNIT_BINS)
	$(Q)tests/run.sh $(BUILD)

unit: all $(UNIT_BINS)
	$(Q)tests/run.sh --unit-only $(BUILD)

integration: all
	$(Q)tests/run.sh --integration-only $(BUILD)

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/demo.sh $(BUILD)/fabricctl

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/bench/all.sh $(BUILD)/fabricctl

# libFuzzer harnesses (tools/fuzz), built with clang into $(BUILD)/fuzz.
FUZZ_SECONDS ?= 60
fuzz:
	$(Q)FUZZ_BUILD=$(abspath $(BUILD))/fuzz tools/fuzz/run.sh $(FUZZ_SECONDS)

fuzz-check:
	$(Q)FUZZ_BUILD=$(abspath $(BUILD))/fuzz tools/fuzz/run.sh 30

install: all
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX)/sbin/fabricctl)
	$(Q)install -D -m 0755 $(BUILD)/fabricctl $(DESTDIR)$(PREFIX)/sbin/fabricctl

uninstall:
	$(Q)rm -f $(DESTDIR)$(PREFIX)/sbin/fabricctl

format:
	$(Q)clang-format -i src/*.c include/*.h bpf/*.bpf.c tests/unit/*.c tests/unit/*.h

clean:
	$(Q)rm -rf $(BUILD)
