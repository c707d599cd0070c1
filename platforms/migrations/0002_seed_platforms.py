from django.db import migrations

# The Platform rows are kept in step with platforms.registry by a post_migrate handler
# (platforms.sync_rows), which runs on every migrate; this migration once seeded them.


class Migration(migrations.Migration):
    dependencies = [("platforms", "0001_initial")]
    operations = []
