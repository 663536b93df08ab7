from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("django_cron", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="cronjoblog",
            name="message",
            field=models.TextField(default="", blank=True),
        ),
    ]
