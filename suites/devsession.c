/* A device-type clause's driver session (devsession.h). */
#include <errno.h>
#include <string.h>
#include "devsession.h"
#include "session.h"
#include "vc/devtypes/host.h"

bool ds_ok(struct vc_ctx *c, int rc, const char *what)
{
	if (rc)
		vc_error(c, "%s: %s", what, strerror(-rc));
	return rc == 0;
}

bool ds_open(struct vc_ctx *c, struct vc_dev *d, uint64_t need, uint64_t want, uint64_t queues, bool hold)
{
	uint32_t bits[VC_FEATURE_WORDS] = { 0 };
	int rc;

	memset(d, 0, sizeof(*d));
	for (unsigned bit = 0; bit < 64; bit++) {
		if ((need >> bit & 1) && !vc_offers(c->probe, bit)) {
			const char *name = vc_devtype_feature_name(c->probe->virtio_type, bit);
			if (name)
				vc_skip(c, "the device does not offer %s (bit %u)", name, bit);
			else
				vc_skip(c, "the device does not offer feature bit %u", bit);
			return false;
		}
		if (((need | want) >> bit & 1) && vc_offers(c->probe, bit))
			vc_features_set(bits, bit);
	}
	vc_features_set(bits, VIRTIO_F_VERSION_1);
	if (!vc_ctx_start(c, &d->drv, bits))
		return false;
	rc = vc_dev_queues(d, queues, hold);
	if (rc == -ENOENT) {
		vc_skip(c, "a queue the clause needs does not exist (queue_size 0; queues 0x%llx wanted)",
			(unsigned long long)queues);
		return false;
	}
	return ds_ok(c, rc, "setting up the queues failed");
}

bool ds_driver_ok(struct vc_ctx *c, struct vc_dev *d)
{
	return ds_ok(c, vc_dev_driver_ok(d), "setting DRIVER_OK failed");
}

bool ds_send(struct vc_ctx *c, struct vc_dev *d, unsigned q, const struct vc_iov *iov, unsigned n,
	     struct vc_req *r, const char *what)
{
	int rc = vc_dev_send(d, q, iov, n, r, false);

	if (rc)
		vc_error(c, "could not send the %s on queue %u: %s", what, q, strerror(-rc));
	return rc == 0;
}

bool ds_wait(struct vc_ctx *c, struct vc_dev *d, struct vc_req *r, const char *what)
{
	int rc = vc_dev_wait(d, r, c->dev->timeout_ms);

	if (rc == -ETIMEDOUT) {
		vc_fail(c, "the device never used the %s (queue %u)", what, r->q);
		vc_observed(c, "no used element within %u ms", c->dev->timeout_ms);
		vc_expected(c, "the %s used", what);
	} else if (rc) {
		vc_error(c, "reading queue %u failed: %s", r->q, strerror(-rc));
	}
	return rc == 0;
}

bool ds_call(struct vc_ctx *c, struct vc_dev *d, unsigned q, const struct vc_iov *iov, unsigned n,
	     uint32_t *used, const char *what)
{
	struct vc_req r;

	if (!ds_send(c, d, q, iov, n, &r, what) || !ds_wait(c, d, &r, what))
		return false;
	if (used)
		*used = r.used;
	return true;
}

bool ds_stream_fill(struct vc_ctx *c, struct vc_dev *d, struct ds_stream *s, unsigned n)
{
	uint8_t fill[DS_STREAM_BUF];

	memset(fill, 0xee, sizeof(fill));
	for (unsigned i = 0; i < n && s->posted < DS_STREAM_MAX; i++, s->posted++) {
		struct vc_iov iov = { fill, s->buf[s->posted], s->len, true };
		int rc = vc_dev_send(d, s->q, &iov, 1, &s->req[s->posted], true);
		if (rc)
			return ds_ok(c, rc, "making a buffer available failed");
	}
	return true;
}

bool ds_stream_post(struct vc_ctx *c, struct vc_dev *d, struct ds_stream *s, unsigned n)
{
	return ds_stream_fill(c, d, s, n) && ds_ok(c, vc_dev_kick(d, s->q), "notifying the queue failed");
}

int ds_stream_next(struct vc_ctx *c, struct vc_dev *d, struct ds_stream *s, unsigned ms)
{
	struct vc_req *r[DS_STREAM_MAX];

	for (unsigned i = 0; i < s->posted; i++)
		r[i] = &s->req[i];
	int k = vc_dev_next_used(d, s->q, r, s->posted, ms);
	if (k == -ETIMEDOUT)
		return -1;
	if (k == -ENOENT) {
		vc_error(c, "queue %u used a buffer id (%u) the driver never made available there", s->q, d->stray_id);
		return -2;
	}
	return k < 0 ? (ds_ok(c, k, "reading the used ring failed"), -2) : k;
}

bool ds_settle(struct vc_dev *d, unsigned ms)
{
	uint64_t until = vc_now_ms() + vc_quiet_ms(&d->drv, ms);

	for (unsigned i = 0; vc_now_ms() < until; i++)
		vc_poll_pause(i);
	return true;
}

bool ds_cfg_read(struct vc_ctx *c, struct vc_dev *d, unsigned off, unsigned width, uint64_t *val)
{
	int rc = vc_dev_cfg_read(d, off, width, val);

	if (rc == -ENOENT)
		vc_skip(c, "no device-specific configuration structure (pci.device-cfg.* report it)");
	else if (rc)
		vc_error(c, "reading the device configuration at 0x%x failed: %s", off, strerror(-rc));
	return rc == 0;
}

bool ds_cfg_write(struct vc_ctx *c, struct vc_dev *d, unsigned off, unsigned width, uint64_t val)
{
	int rc = vc_dev_cfg_write(d, off, width, val);

	if (rc == -ENOENT)
		vc_skip(c, "no device-specific configuration structure (pci.device-cfg.* report it)");
	else if (rc)
		vc_error(c, "writing the device configuration at 0x%x failed: %s", off, strerror(-rc));
	return rc == 0;
}

bool ds_host(struct vc_ctx *c, const char *what, const char *arg, char *out, size_t outlen)
{
	return ds_host_done(c, what, vc_host(c->dev, what, arg, out, outlen));
}

bool ds_host_done(struct vc_ctx *c, const char *what, int rc)
{
	if (rc == -ENOTSUP)
		vc_skip(c, "the %s backend cannot %s on the host side of this device", c->dev->backend,
			vc_host_action_doing(what));
	else if (rc)
		vc_error(c, "the host-side action %s failed: %s%s%s", what, strerror(-rc), c->dev->note[0] ? ": " : "",
			 c->dev->note);
	return rc == 0;
}

bool ds_admin_done(struct vc_ctx *c, int rc, const char *what)
{
	if (rc == -ETIMEDOUT) {
		vc_fail(c, "%s was not used within the device timeout", what);
		vc_observed(c, "no used element on the administration queue");
		vc_expected(c, "the command completed");
	} else if (rc)
		vc_error(c, "%s: %s", what, strerror(-rc));
	return rc == 0;
}

bool ds_config_irq_setup(struct vc_ctx *c, struct vc_dev *d)
{
	uint64_t got;

	if (!c->probe->msix_pos)
		return ds_ok(c, vc_irq_intx(&d->drv), "INTx set-up failed");
	if (!session_msix(c, &d->drv, 1) || !vc_ctx_common_write(c, COMMON_config_msix_vector, 2, 0) ||
	    !vc_ctx_common_read(c, COMMON_config_msix_vector, 2, &got))
		return false;
	if (got != 0) {
		vc_skip(c, "the device did not map MSI-X vector 0 to configuration changes (pci.msix.* report it)");
		return false;
	}
	return true;
}

int ds_config_irq(struct vc_ctx *c, struct vc_dev *d, unsigned ms)
{
	uint64_t deadline = vc_now_ms() + ms;
	uint8_t isr = 0;

	if (c->probe->msix_pos)
		return session_wait_irq(c, &d->drv, 0, ms, NULL);
	for (;;) {
		uint64_t now = vc_now_ms();
		int rc = session_wait_irq(c, &d->drv, -1, now < deadline ? (unsigned)(deadline - now) : 0, &isr);
		if (rc || (isr & 2))
			return rc;
	}
}
