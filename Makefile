# SPDX-License-Identifier: GPL-2.0-only
# fabricctl: src/<layer>/*.c + bpf/*.bpf.c (clang -> bpftool gen skeleton).
# The core (every layer but the front-ends) is built once into
# $(BUILD)/libfabricctl.a, which each front-end binary links.

CC         ?= cc
CLANG      ?= clang
BPFTOOL    ?= bpftool
PKG_CONFIG ?= pkg-config
PREFIX     ?= /usr/local
DESTDIR    ?=
BUILD      ?= build
SANITIZE   ?=
WERROR     ?= 1

# User-settable: `make CFLAGS=-O0` or EXTRA_CFLAGS=... keep the project's flags.
CFLAGS       ?= -O2 -g
EXTRA_CFLAGS ?=
LDFLAGS      ?=

VERSION   := 0.2.0
ARCH      := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)

LIBS_PC   := libbpf libmnl libelf libmicrohttpd yaml-0.1 ncursesw json-c
PC_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(LIBS_PC) 2>/dev/null)
PC_LIBS   := $(shell $(PKG_CONFIG) --libs $(LIBS_PC) 2>/dev/null || echo -lbpf -lmnl -lelf -lmicrohttpd -lyaml -lncursesw -ltinfo -ljson-c)

WARNINGS  := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
FABRIC_CFLAGS := -std=gnu11 $(WARNINGS) $(if $(filter 1,$(WERROR)),-Werror) -D_GNU_SOURCE \
		 -DFABRICCTL_VERSION='"$(VERSION)"' -Iinclude -I$(BUILD) $(PC_CFLAGS) -MMD -MP
ifneq ($(SANITIZE),)
FABRIC_CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
FABRIC_LDFLAGS := -fsanitize=$(SANITIZE)
endif
ALL_CFLAGS  = $(FABRIC_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
ALL_LDFLAGS = $(FABRIC_LDFLAGS) $(LDFLAGS)
LDLIBS     += $(PC_LIBS) -lz -lm -pthread

BPF_CFLAGS := -O2 -g -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -Iinclude \
	      $(if $(MULTIARCH),-I/usr/include/$(MULTIARCH))

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
BPF_SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))

# Layers, bottom up; front-ends are folders with a main.
CORE_DIRS := base kernel host fabric stats lab
CORE_SRCS := $(foreach d,$(CORE_DIRS),$(wildcard src/$(d)/*.c))
CLI_SRCS  := $(wildcard src/cli/*.c)
CNI_SRCS  := $(wildcard src/cni/*.c)
CNI_OBJS  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(CNI_SRCS))
CORE_OBJS := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(CORE_SRCS))
CLI_OBJS  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(CLI_SRCS))
CORE_LIB  := $(BUILD)/libfabricctl.a
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))
DEPS      := $(CORE_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(CNI_OBJS:.o=.d) $(UNIT_BINS:=.d)

FORMAT_FILES = $(shell find src include bpf tests/unit tools/fuzz tools/bench -name '*.[ch]')

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
.PHONY: all check unit integration demo bench install uninstall clean format format-check \
	check-layers deps fuzz fuzz-check help

all: $(BUILD)/fabricctl $(BUILD)/fabricctl-cni

help:
	@echo 'Targets:'
	@echo '  all (default)  build $(BUILD)/fabricctl and $(BUILD)/fabricctl-cni'
	@echo '  check          every test: unit, integration (root), layering, leftovers'
	@echo '  unit           the unit tests only (no root)'
	@echo '  integration    the integration tests only (root)'
	@echo '  demo           build, make a 32-node fabric, ping, show its stats'
	@echo '  bench          the benchmarks (tools/bench), with ratios against baselines'
	@echo '  fuzz           the libFuzzer harnesses, FUZZ_SECONDS each (default 60)'
	@echo '  install        into $$(DESTDIR)$$(PREFIX) (default /usr/local): binary, man page,'
	@echo '                 bash completion'
	@echo '  format         clang-format every C file; format-check fails on a diff'
	@echo '  check-layers   no layer includes a layer above it'
	@echo '  deps           install the Debian packages the build and tests need (root)'
	@echo '  clean          remove $(BUILD)'
	@echo 'Variables: CFLAGS, EXTRA_CFLAGS, LDFLAGS, BUILD, PREFIX, DESTDIR, V=1,'
	@echo '  SANITIZE=address,undefined, WERROR=0, CC, CLANG, BPFTOOL, PKG_CONFIG'

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard include/bpf_shared/*.h) $(wildcard bpf/*.h)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(basename $(basename $(notdir $<)))_skel > $@

# Only the loader includes the skeleton.
$(BUILD)/obj/kernel/fabric_bpf_load.o: $(BUILD)/fabric.skel.h

$(BUILD)/obj/%.o: src/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(CORE_LIB): $(CORE_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/fabricctl: $(CLI_OBJS) $(CORE_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) $(CLI_OBJS) $(CORE_LIB) -o $@ $(LDLIBS)

# The CNI plugin: a second front-end on the same core.
$(BUILD)/fabricctl-cni: $(CNI_OBJS) $(CORE_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) $(CNI_OBJS) $(CORE_LIB) -o $@ $(LDLIBS)

$(BUILD)/unit/%: tests/unit/%.c $(CORE_LIB)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit $(ALL_LDFLAGS) $< $(CORE_LIB) -o $@ $(LDLIBS)

# The record micro-benchmark (tools/bench/record.c), run by `make bench`.
$(BUILD)/bench-record: tools/bench/record.c $(CORE_LIB)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $< $(CORE_LIB) -o $@ $(LDLIBS)

-include $(DEPS)

# The README's set-up commands install the dependencies (tools/install-deps.sh);
# `make deps` is the same thing. check never runs apt-get.
deps:
	$(Q)tools/install-deps.sh

check: all $(UNIT_BINS) check-layers
	$(Q)tests/run.sh $(BUILD)

unit: all $(UNIT_BINS)
	$(Q)tests/run.sh --unit-only $(BUILD)

integration: all
	$(Q)tests/run.sh --integration-only $(BUILD)

check-layers:
	$(Q)tools/check-layers.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/demo.sh $(BUILD)/fabricctl

bench: all $(BUILD)/bench-record
	$(Q)tools/bench/all.sh $(BUILD)/fabricctl

# libFuzzer harnesses (tools/fuzz), built with clang into $(BUILD)/fuzz.
FUZZ_SECONDS ?= 60
fuzz:
	$(Q)FUZZ_BUILD=$(abspath $(BUILD))/fuzz tools/fuzz/run.sh $(FUZZ_SECONDS)

fuzz-check:
	$(Q)FUZZ_BUILD=$(abspath $(BUILD))/fuzz tools/fuzz/run.sh 30

MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
# Where runtimes look for CNI plugins: Debian's (podman) and the upstream one (containerd).
CNIDIR ?= /usr/lib/cni
CNIOPTDIR ?= /opt/cni/bin

install: all
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX)/sbin/fabricctl)
	$(Q)install -D -m 0755 $(BUILD)/fabricctl $(DESTDIR)$(PREFIX)/sbin/fabricctl
	$(Q)install -D -m 0644 docs/fabricctl.8 $(DESTDIR)$(MANDIR)/man8/fabricctl.8
	$(call msg,INSTALL,$(DESTDIR)$(CNIDIR)/fabricctl-cni $(DESTDIR)$(CNIOPTDIR)/fabricctl-cni)
	$(Q)install -D -m 0755 $(BUILD)/fabricctl-cni $(DESTDIR)$(CNIDIR)/fabricctl-cni
	$(Q)install -D -m 0755 $(BUILD)/fabricctl-cni $(DESTDIR)$(CNIOPTDIR)/fabricctl-cni
	$(Q)install -D -m 0644 docs/fabricctl-cni.8 $(DESTDIR)$(MANDIR)/man8/fabricctl-cni.8
	$(Q)install -D -m 0644 contrib/bash-completion/fabricctl $(DESTDIR)$(BASHCOMPDIR)/fabricctl
	$(Q)install -D -m 0644 contrib/frr/fabricctl.conf $(DESTDIR)$(PREFIX)/share/fabricctl/frr/fabricctl.conf
	$(Q)sed 's|/usr/local/sbin/fabricctl|$(PREFIX)/sbin/fabricctl|' \
		contrib/systemd/fabricctl-exporter.service >$(BUILD)/fabricctl-exporter.service
	$(Q)install -D -m 0644 $(BUILD)/fabricctl-exporter.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/fabricctl-exporter.service
	$(Q)sed 's|/usr/local/sbin/fabricctl|$(PREFIX)/sbin/fabricctl|' \
		contrib/systemd/fabricctl@.service >$(BUILD)/fabricctl@.service
	$(Q)install -D -m 0644 $(BUILD)/fabricctl@.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/fabricctl@.service

uninstall:
	$(Q)rm -f $(DESTDIR)$(CNIDIR)/fabricctl-cni $(DESTDIR)$(CNIOPTDIR)/fabricctl-cni \
		$(DESTDIR)$(MANDIR)/man8/fabricctl-cni.8
	$(Q)rm -f $(DESTDIR)$(PREFIX)/sbin/fabricctl $(DESTDIR)$(MANDIR)/man8/fabricctl.8 \
		$(DESTDIR)$(BASHCOMPDIR)/fabricctl $(DESTDIR)$(SYSTEMDUNITDIR)/fabricctl-exporter.service \
		$(DESTDIR)$(PREFIX)/share/fabricctl/frr/fabricctl.conf \
		$(DESTDIR)$(SYSTEMDUNITDIR)/fabricctl@.service

format:
	$(Q)clang-format -i $(FORMAT_FILES)

format-check:
	$(Q)clang-format --dry-run --Werror $(FORMAT_FILES)

clean:
	$(Q)rm -rf $(BUILD)
