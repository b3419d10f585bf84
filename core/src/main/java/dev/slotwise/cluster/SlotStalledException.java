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

package dev.slotwise.cluster;

import io.lettuce.core.RedisCommandTimeoutException;

/**
 * A call stopped waiting because its master went silent ({@link StallDetection}): an
 * outage with {@link OutageReason#STALLED}, raised before the call's own timeout. The
 * command may still be in flight and may still be applied if the master resumes.
 */
public class SlotStalledException extends RedisCommandTimeoutException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create the exception.
	 * @param message what stalled, and for how long
	 */
	public SlotStalledException(String message) {
		super(message);
	}

}
