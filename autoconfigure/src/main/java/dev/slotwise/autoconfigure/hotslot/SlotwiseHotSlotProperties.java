/*
 * Copyright 2026 the Slotwise authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package dev.slotwise.autoconfigure.hotslot;

import java.time.Duration;

import dev.slotwise.hotslot.HotSlotSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for hot-slot detection ({@code slotwise.monitor.hot-slots}).
 */
@ConfigurationProperties("slotwise.monitor.hot-slots")
public class SlotwiseHotSlotProperties {

	/**
	 * Whether commands are counted per slot and hot slots reported.
	 */
	private boolean enabled = true;

	/**
	 * How far back commands are counted.
	 */
	private Duration window = HotSlotSettings.DEFAULT_WINDOW;

	/**
	 * How many buckets the window is split into; the window slides, and slots are
	 * evaluated, once per bucket.
	 */
	private int buckets = HotSlotSettings.DEFAULT_BUCKETS;

	/**
	 * A slot is hot when its share of the window's commands is at least this many times
	 * the mean share of the slots that received any.
	 */
	private double threshold = HotSlotSettings.DEFAULT_THRESHOLD;

	/**
	 * Fewest commands in the window before any slot is reported hot.
	 */
	private long minCommands = HotSlotSettings.DEFAULT_MIN_COMMANDS;

	/**
	 * How many of a hot slot's hottest keys are kept.
	 */
	private int topKeys = HotSlotSettings.DEFAULT_TOP_KEYS;

	/**
	 * One in this many commands to a hot slot has its key sampled for the top keys.
	 */
	private int keySampleRate = HotSlotSettings.DEFAULT_KEY_SAMPLE_RATE;

	/**
	 * How often every master's INFO and the key counts of hot slots are read.
	 */
	private Duration serverViewInterval = HotSlotSettings.DEFAULT_SERVER_VIEW_INTERVAL;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getWindow() {
		return this.window;
	}

	public void setWindow(Duration window) {
		this.window = window;
	}

	public int getBuckets() {
		return this.buckets;
	}

	public void setBuckets(int buckets) {
		this.buckets = buckets;
	}

	public double getThreshold() {
		return this.threshold;
	}

	public void setThreshold(double threshold) {
		this.threshold = threshold;
	}

	public long getMinCommands() {
		return this.minCommands;
	}

	public void setMinCommands(long minCommands) {
		this.minCommands = minCommands;
	}

	public int getTopKeys() {
		return this.topKeys;
	}

	public void setTopKeys(int topKeys) {
		this.topKeys = topKeys;
	}

	public int getKeySampleRate() {
		return this.keySampleRate;
	}

	public void setKeySampleRate(int keySampleRate) {
		this.keySampleRate = keySampleRate;
	}

	public Duration getServerViewInterval() {
		return this.serverViewInterval;
	}

	public void setServerViewInterval(Duration serverViewInterval) {
		this.serverViewInterval = serverViewInterval;
	}

}
