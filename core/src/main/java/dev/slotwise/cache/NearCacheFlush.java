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

package dev.slotwise.cache;

/**
 * Why the near caches' copies of a master's slots stopped being fresh at once: each cause
 * moves the slots' epochs, so that no copy stored before is served as fresh again.
 *
 * @see NearCacheTracker#flushes()
 */
public enum NearCacheFlush {

	/**
	 * Tracking began on a master's connection: copies stored before may have missed
	 * invalidations.
	 */
	TRACKING_STARTED,

	/**
	 * The master's tracking connection was replaced (a reconnect): invalidations sent
	 * while it was down are lost.
	 */
	RECONNECT,

	/**
	 * The master left the heartbeat unanswered for longer than the staleness bound (a
	 * hung master, whose slots may be taken over meanwhile).
	 */
	HEARTBEAT_LAPSED,

	/**
	 * Slots changed owner in the client's topology (a failover, a migration).
	 */
	OWNER_CHANGED,

	/**
	 * The master flushed its keys ({@code FLUSHALL}, or a replica's full
	 * resynchronisation).
	 */
	MASTER_FLUSHED

}
