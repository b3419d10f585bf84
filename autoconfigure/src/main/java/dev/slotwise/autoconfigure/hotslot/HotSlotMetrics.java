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

import dev.slotwise.hotslot.HotSlotDetector;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meters of hot-slot detection; they read totals the detector keeps anyway. No
 * tags: a slot number or a key would be unbounded.
 *
 * <ul>
 * <li>{@code slotwise.hotslot.commands}: keyed commands counted;</li>
 * <li>{@code slotwise.hotslot.alerts}: times a slot became hot;</li>
 * <li>{@code slotwise.hotslot.hottest.share}: the busiest slot's share of the window's
 * commands, 0 to 1.</li>
 * </ul>
 */
public class HotSlotMetrics implements MeterBinder {

	private final HotSlotDetector detector;

	/**
	 * Create the binder.
	 * @param detector the detector
	 */
	public HotSlotMetrics(HotSlotDetector detector) {
		this.detector = detector;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder("slotwise.hotslot.commands", this.detector, HotSlotDetector::commandsTotal)
			.description("Keyed commands counted by hot-slot detection")
			.baseUnit("commands")
			.register(registry);
		FunctionCounter.builder("slotwise.hotslot.alerts", this.detector, HotSlotDetector::alertsTotal)
			.description("Times a slot became hot")
			.baseUnit("alerts")
			.register(registry);
		Gauge.builder("slotwise.hotslot.hottest.share", this.detector, HotSlotDetector::hottestShare)
			.description("The busiest slot's share of the window's commands, 0 to 1")
			.register(registry);
	}

}
