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

package dev.slotwise.key;

import java.util.concurrent.atomic.LongAdder;

import io.lettuce.core.event.command.CommandFailedEvent;
import io.lettuce.core.event.command.CommandListener;

/**
 * Counts the commands Redis refused with {@code CROSSSLOT}: multi-key commands or scripts
 * whose keys live in different slots and that reached Redis anyway (sent through plain
 * {@code RedisTemplate} calls rather than Slotwise's checks). Registered on the Lettuce
 * client as a {@link CommandListener}; it looks only at failed commands, so the healthy
 * path costs nothing.
 */
public class CrossSlotErrors implements CommandListener {

	private final LongAdder count = new LongAdder();

	@Override
	public void commandFailed(CommandFailedEvent event) {
		Throwable cause = event.getCause();
		if (cause != null && cause.getMessage() != null && cause.getMessage().startsWith("CROSSSLOT")) {
			this.count.increment();
		}
	}

	/**
	 * CROSSSLOT errors seen.
	 * @return the count
	 */
	public long count() {
		return this.count.sum();
	}

}
